"""Subscribers planned in memory, then written in bulk with their SIM cards, services and call forwarding."""

from __future__ import annotations

import datetime as dt
import random
import string
from dataclasses import dataclass, field

from sqlmodel import Session

from cabinet.models import CallForwarding, SimCard, SimState, Subscriber, SubscriberService, SubscriberStatus
from cabinet.seed import words
from cabinet.seed.catalogue import Catalogue
from cabinet.seed.rows import NumberMaker, ids_by, insert_rows

ACTIVE = SubscriberStatus.ACTIVE.value
WAITING = SubscriberStatus.WAITING.value
TERMINATED = SubscriberStatus.TERMINATED.value
BILLABLE = {ACTIVE, SubscriberStatus.BLOCKED.value, SubscriberStatus.SUSPENDED.value}

# tariff code → weight, for the mobile accounts
MOBILE_TARIFFS = {"biz_start": 25, "biz_optima": 35, "biz_unlim": 15, "corp_50": 17, "biz_classic": 8}
FORWARD_KINDS = ("unconditional", "busy", "no_answer", "unreachable")


@dataclass(slots=True)
class Sub:
    """One subscriber before it is written; `id` is filled in by insert_subscribers."""

    number: str
    name: str
    tariff: str
    status: str = ACTIVE
    connected_on: dt.date | None = None
    iccid: str | None = None
    self_sim: bool = True
    services: list[tuple[str, dt.date]] = field(default_factory=list)
    sip_kind: str | None = None
    sip_password: str | None = None
    free_minutes: int | None = None
    channels: str | None = None  # ChannelPackage code
    channels_changed_at: dt.datetime | None = None
    id: int | None = None

    @property
    def billable(self) -> bool:
        return self.status in BILLABLE and self.connected_on is not None


def status_list(rng: random.Random, count: int, special: dict[str, int]) -> list[str]:
    """`count` statuses: the exact numbers asked for in `special`, the rest active, in random order."""
    statuses = [status for status, n in special.items() for _ in range(n)]
    statuses += [ACTIVE] * (count - len(statuses))
    rng.shuffle(statuses)
    return statuses


def _since(rng: random.Random, start: dt.date, today: dt.date) -> dt.date:
    """A day from `start` up to yesterday."""
    return start + dt.timedelta(days=rng.randint(0, max(0, (today - start).days - 1)))


def mobile_plans(
    rng: random.Random, numbers: NumberMaker, catalogue: Catalogue, *, count: int, today: dt.date,
    special: dict[str, int], own_numbers: tuple[str, ...] = (), extra_services: int = 3,
) -> list[Sub]:
    """Mobile subscribers, each with a SIM card. `own_numbers` come first and are always active."""
    statuses = [ACTIVE] * len(own_numbers) + status_list(rng, count - len(own_numbers), special)
    codes, weights = list(MOBILE_TARIFFS), list(MOBILE_TARIFFS.values())
    subs = []
    for index, status in enumerate(statuses):
        number = own_numbers[index] if index < len(own_numbers) else numbers.mobile()
        tariff = rng.choices(codes, weights)[0]
        if status == WAITING and catalogue.tariffs[tariff].archived:
            tariff = "biz_optima"  # a new subscriber cannot be on an archived tariff
        sub = Sub(number=number, name=words.subscriber_name(rng), tariff=tariff, status=status,
                  iccid=numbers.iccid(), self_sim=rng.random() >= 0.1)
        if status != WAITING:  # waiting: the SIM is handed out, the line is not connected yet
            sub.connected_on = connected = today - dt.timedelta(days=rng.randint(20, 2500))
        if status not in (WAITING, TERMINATED):
            picked = catalogue.pick_services(rng, tariff, rng.randint(0, extra_services))
            included = set(catalogue.included(tariff))
            sub.services = [(code, connected if code in included else _since(rng, connected, today))
                            for code in picked]
        subs.append(sub)
    return subs


def fixed_plans(rng: random.Random, numbers: NumberMaker, catalogue: Catalogue, *, count: int,
                today: dt.date) -> list[Sub]:
    statuses = status_list(rng, count, {SubscriberStatus.SUSPENDED.value: 1, TERMINATED: 1})
    subs = []
    for status in statuses:
        tariff = rng.choice(["office_base", "office_base", "office_unlim"])
        connected = today - dt.timedelta(days=rng.randint(200, 3000))
        sub = Sub(number=numbers.fixed(), name=words.subscriber_name(rng, post_share=0.5), tariff=tariff,
                  status=status, connected_on=connected)
        if status != TERMINATED:
            picked = catalogue.pick_services(rng, tariff, rng.randint(0, 2))
            sub.services = [(code, connected) for code in picked]
        subs.append(sub)
    return subs


def sip_password(rng: random.Random) -> str:
    return "".join(rng.choices(string.ascii_letters + string.digits, k=12))


def insert_subscribers(session: Session, account_id: int, subs: list[Sub], catalogue: Catalogue) -> None:
    """Write the subscribers and their services; fills in each Sub.id."""
    packages = catalogue.channel_packages
    insert_rows(session, Subscriber, [
        dict(account_id=account_id, number=s.number, name=s.name, tariff_id=catalogue.tariffs[s.tariff].id,
             status=s.status, sim_iccid=s.iccid, self_sim_replacement=s.self_sim, sip_kind=s.sip_kind,
             sip_password=s.sip_password, free_minutes_left=s.free_minutes,
             channel_package_id=packages[s.channels].id if s.channels else None,
             channel_changed_at=s.channels_changed_at, connected_on=s.connected_on, version=0)
        for s in subs
    ])
    ids = ids_by(session, Subscriber, "number", Subscriber.account_id == account_id)
    for sub in subs:
        sub.id = ids[sub.number]
    insert_rows(session, SubscriberService, [
        dict(subscriber_id=s.id, service_id=catalogue.services[code].id, connected_on=since)
        for s in subs for code, since in s.services
    ])


def insert_sims(session: Session, organization_id: int, subs: list[Sub], free: list[str]) -> None:
    """A SIM in use for every subscriber that holds one (retired when the subscriber left), plus free SIMs."""
    rows = [dict(iccid=s.iccid, organization_id=organization_id,
                 state=SimState.RETIRED if s.status == TERMINATED else SimState.IN_USE) for s in subs if s.iccid]
    rows += [dict(iccid=iccid, organization_id=organization_id, state=SimState.FREE) for iccid in free]
    insert_rows(session, SimCard, rows)


def insert_forwarding(session: Session, rng: random.Random, subs: list[Sub], share: float) -> None:
    """Call forwarding on a share of the active subscribers, mostly to a colleague's number."""
    active = [s for s in subs if s.status == ACTIVE]
    rows = []
    for sub in active:
        if rng.random() >= share:
            continue
        for kind in sorted(rng.sample(FORWARD_KINDS, rng.randint(1, 2)), key=FORWARD_KINDS.index):
            target = rng.choice(active).number
            if target == sub.number:
                target = active[0].number if sub is not active[0] else active[1].number
            rows.append(dict(subscriber_id=sub.id, kind=kind, target=target,
                             delay_seconds=rng.choice([10, 15, 20, 30]) if kind == "no_answer" else None))
    insert_rows(session, CallForwarding, rows)
