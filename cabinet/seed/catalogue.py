"""The operator's catalogue: tariffs, services, their conflicts, what each tariff allows, SIP channel packages.

Names and prices are invented. «SIP-соединение» and «SIP-номер» are the manual's exact tariff names.
"""

from __future__ import annotations

import random
from dataclasses import dataclass, field
from decimal import Decimal

from sqlalchemy import select
from sqlmodel import Session

from cabinet.models import AccountKind, ChannelPackage, Service, ServiceConflict, Tariff, TariffService
from cabinet.seed.rows import insert_rows

MOBILE, FIXED, SIP = AccountKind.MOBILE.value, AccountKind.FIXED.value, AccountKind.SIP.value

# code, name, kind, monthly fee, switch fee, free minutes to other networks, archived, description
SIP_CONNECTION = "sip_connection"  # the tariff whose numbers may be SIP administrators
TARIFFS = [
    ("biz_start", "Бизнес Старт", MOBILE, "15.90", "2.00", 0, False,
     "Звонки внутри сети без ограничений, 100 минут на другие сети, 3 ГБ интернета."),
    ("biz_optima", "Бизнес Оптима", MOBILE, "27.50", "2.00", 0, False,
     "Звонки внутри сети без ограничений, 400 минут на другие сети, 15 ГБ интернета."),
    ("biz_unlim", "Бизнес Безлимит", MOBILE, "42.00", "2.00", 0, False,
     "Безлимитные звонки на все сети Беларуси и безлимитный интернет."),
    ("corp_50", "Корпоративный 50", MOBILE, "9.80", "2.00", 0, False,
     "Для сотрудников: 50 минут на все сети, звонки внутри группы бесплатно."),
    ("biz_classic", "Бизнес Классик", MOBILE, "18.40", "2.00", 0, True,
     "Архивный тариф: звонки внутри сети 0,03 BYN/мин., 1 ГБ интернета."),
    ("office_base", "Офис Базовый", FIXED, "8.50", "0.00", 0, False,
     "Городская линия, повременная оплата междугородных звонков."),
    ("office_unlim", "Офис Безлимит", FIXED, "19.90", "0.00", 0, False,
     "Городская линия, безлимитные звонки по Беларуси на стационарные номера."),
    ("sip_connection", "SIP-соединение", SIP, "35.00", "0.00", 300, False,
     "Подключение офисной АТС по протоколу SIP; 300 минут на другие сети в месяц."),
    ("sip_number", "SIP-номер", SIP, "6.00", "0.00", 0, False,
     "Дополнительный городской номер на SIP-соединении."),
]

# code, name, category, kind, monthly fee, connect fee, self-service
SERVICES = [
    ("inet_5", "Интернет 5 ГБ", "Интернет", MOBILE, "6.90", "0.00", True),
    ("inet_20", "Интернет 20 ГБ", "Интернет", MOBILE, "12.90", "0.00", True),
    ("inet_unlim", "Безлимитный интернет", "Интернет", MOBILE, "19.90", "0.00", True),
    ("calls_onnet", "Безлимит внутри сети", "Звонки", MOBILE, "4.50", "0.00", True),
    ("calls_200", "200 минут на другие сети", "Звонки", MOBILE, "7.90", "0.00", True),
    ("conference", "Конференц-связь", "Звонки", MOBILE, "1.50", "0.00", True),
    ("who_called", "Кто звонил", "Звонки", MOBILE, "0.99", "0.00", True),
    ("roam_europe", "Роуминг Европа", "Роуминг", MOBILE, "9.90", "0.00", True),
    ("roam_cis", "Роуминг СНГ", "Роуминг", MOBILE, "6.90", "0.00", True),
    ("roam_ban", "Запрет роуминга", "Роуминг", MOBILE, "0.00", "0.00", True),
    ("info_balance", "SMS-информирование о балансе", "Информационные", MOBILE, "0.00", "0.00", True),
    ("info_news", "Деловые новости", "Информационные", MOBILE, "1.20", "0.00", True),
    ("sec_antispam", "Защита от спама", "Безопасность", MOBILE, "1.90", "0.00", True),
    ("sec_paid_sms", "Запрет платных SMS", "Безопасность", MOBILE, "0.00", "0.00", True),
    ("sec_intl_ban", "Запрет международных вызовов", "Безопасность", MOBILE, "0.00", "0.00", True),
    ("apn_private", "Выделенный APN", "Для бизнеса", MOBILE, "15.00", "30.00", False),
    ("fix_clip", "Определитель номера", "Звонки", FIXED, "1.00", "0.00", True),
    ("fix_forward", "Переадресация на мобильный", "Звонки", FIXED, "2.00", "0.00", True),
    ("fix_long", "Междугородная связь без ограничений", "Звонки", FIXED, "5.50", "0.00", True),
    ("fix_voicemail", "Голосовая почта", "Информационные", FIXED, "1.50", "0.00", True),
    ("sip_min_100", "Пакет 100 минут на другие сети", "Пакеты минут", SIP, "8.00", "0.00", False),
    ("sip_min_500", "Пакет 500 минут на другие сети", "Пакеты минут", SIP, "30.00", "0.00", False),
    ("sip_min_1000", "Пакет 1000 минут на другие сети", "Пакеты минут", SIP, "55.00", "0.00", False),
    ("sip_record", "Запись разговоров", "Дополнительные", SIP, "5.00", "0.00", True),
    ("sip_ivr", "Голосовое меню (IVR)", "Дополнительные", SIP, "7.00", "10.00", True),
    ("sip_clip", "Определитель номера SIP", "Дополнительные", SIP, "0.00", "0.00", True),
    ("sip_intl_ban", "Запрет международных вызовов SIP", "Безопасность", SIP, "0.00", "0.00", True),
]

CONFLICTS = [
    ("inet_5", "inet_20"), ("inet_5", "inet_unlim"), ("inet_20", "inet_unlim"),
    ("roam_ban", "roam_europe"), ("roam_ban", "roam_cis"),
    ("sip_min_100", "sip_min_500"), ("sip_min_100", "sip_min_1000"), ("sip_min_500", "sip_min_1000"),
]

# Every (tariff, service) of one kind gets a TariffService row: "allowed" unless listed here.
MODES = {
    "biz_start": {"inet_unlim": "forbidden", "apn_private": "forbidden"},
    "biz_optima": {"calls_onnet": "included", "info_balance": "included"},
    "biz_unlim": {"inet_unlim": "included", "calls_onnet": "included", "inet_5": "forbidden",
                  "inet_20": "forbidden"},
    "corp_50": {"sec_intl_ban": "included", "roam_europe": "forbidden", "roam_cis": "forbidden",
                "inet_unlim": "forbidden"},
    "biz_classic": {"inet_unlim": "forbidden"},
    "office_unlim": {"fix_long": "included"},
    "sip_connection": {"sip_clip": "included"},
    "sip_number": {"sip_min_100": "forbidden", "sip_min_500": "forbidden", "sip_min_1000": "forbidden"},
}

# code, name, channels, monthly fee
CHANNEL_PACKAGES = [
    ("channels_2", "2 канала", 2, "5.00"),
    ("channels_5", "5 каналов", 5, "12.00"),
    ("channels_10", "10 каналов", 10, "22.00"),
    ("channels_30", "30 каналов", 30, "60.00"),
]


@dataclass(frozen=True)
class Item:
    id: int
    code: str
    name: str
    kind: str
    fee: Decimal
    self_service: bool = True
    archived: bool = False
    free_minutes: int = 0


@dataclass
class Catalogue:
    """The catalogue as loaded from the database, keyed by code, in id order."""

    tariffs: dict[str, Item]
    services: dict[str, Item]
    modes: dict[tuple[str, str], str]
    conflicts: set[tuple[str, str]]
    channel_packages: dict[str, Item] = field(default_factory=dict)

    def __post_init__(self) -> None:
        self._included = {t: [s for s in self.services if self.mode(t, s) == "included"] for t in self.tariffs}
        self._optional = {
            t: [s for s, item in self.services.items() if item.self_service and self.mode(t, s) == "allowed"]
            for t in self.tariffs
        }

    def mode(self, tariff: str, service: str) -> str:
        return self.modes.get((tariff, service), "forbidden")

    def included(self, tariff: str) -> list[str]:
        return list(self._included[tariff])

    def optional(self, tariff: str) -> list[str]:
        """Services a user may connect themselves on this tariff."""
        return list(self._optional[tariff])

    def conflict(self, one: str, other: str) -> bool:
        return (one, other) in self.conflicts or (other, one) in self.conflicts

    def pick_services(self, rng: random.Random, tariff: str, extra: int) -> list[str]:
        """The tariff's included services plus up to `extra` optional ones, never two that conflict."""
        chosen = self.included(tariff)
        if extra <= 0:
            return chosen
        wanted = len(chosen) + extra
        candidates = self._optional[tariff]
        for code in rng.sample(candidates, len(candidates)):
            if len(chosen) >= wanted:
                break
            if not any(self.conflict(code, other) for other in chosen):
                chosen.append(code)
        return chosen


def seed_catalogue(session: Session) -> Catalogue:
    insert_rows(session, Tariff, [
        dict(code=c, name=n, kind=k, monthly_fee=Decimal(fee), switch_fee=Decimal(sw), free_minutes_other=fm,
             is_archived=arch, description=d, is_sip_connection=c == SIP_CONNECTION)
        for c, n, k, fee, sw, fm, arch, d in TARIFFS
    ])
    insert_rows(session, Service, [
        dict(code=c, name=n, category=cat, kind=k, monthly_fee=Decimal(fee), connect_fee=Decimal(cf),
             self_service=ss, description=_service_description(n, ss))
        for c, n, cat, k, fee, cf, ss in SERVICES
    ])
    insert_rows(session, ChannelPackage, [
        dict(code=c, name=n, channels=ch, monthly_fee=Decimal(fee)) for c, n, ch, fee in CHANNEL_PACKAGES
    ])
    catalogue = load_catalogue(session)
    tariffs, services = catalogue.tariffs, catalogue.services
    insert_rows(session, TariffService, [
        dict(tariff_id=t.id, service_id=s.id, mode=MODES.get(t.code, {}).get(s.code, "allowed"))
        for t in tariffs.values() for s in services.values() if s.kind == t.kind
    ])
    pairs = sorted((services[a].id, services[b].id) for a, b in CONFLICTS)
    insert_rows(session, ServiceConflict, [
        dict(service_id=min(pair), other_service_id=max(pair)) for pair in pairs
    ])
    return load_catalogue(session)


def _service_description(name: str, self_service: bool) -> str:
    if self_service:
        return f"Услуга «{name}»: подключается и отключается в Личном кабинете."
    return f"Услуга «{name}» подключается только по письменному заявлению."


def load_catalogue(session: Session) -> Catalogue:
    connection = session.connection()
    tariffs = {
        row.code: Item(row.id, row.code, row.name, row.kind, row.monthly_fee, archived=row.is_archived,
                       free_minutes=row.free_minutes_other)
        for row in connection.execute(select(Tariff.__table__).order_by(Tariff.id))
    }
    services = {
        row.code: Item(row.id, row.code, row.name, row.kind, row.monthly_fee, self_service=row.self_service)
        for row in connection.execute(select(Service.__table__).order_by(Service.id))
    }
    packages = {
        row.code: Item(row.id, row.code, row.name, SIP, row.monthly_fee)
        for row in connection.execute(select(ChannelPackage.__table__).order_by(ChannelPackage.id))
    }
    tariff_codes = {item.id: code for code, item in tariffs.items()}
    service_codes = {item.id: code for code, item in services.items()}
    modes = {
        (tariff_codes[t], service_codes[s]): mode
        for t, s, mode in connection.execute(select(TariffService.tariff_id, TariffService.service_id,
                                                    TariffService.mode))
    }
    conflicts = {
        (service_codes[a], service_codes[b])
        for a, b in connection.execute(select(ServiceConflict.service_id, ServiceConflict.other_service_id))
    }
    return Catalogue(tariffs, services, modes, conflicts, packages)
