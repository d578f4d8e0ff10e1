"""The demo's fixed names (account numbers, logins, passwords) and what to print after seeding."""

from __future__ import annotations

from dataclasses import dataclass

from sqlalchemy import select
from sqlmodel import Session

from cabinet.models import Organization, PersonalAccount, User
from cabinet.services.auth.passwords import verify_password

# Personal account numbers have 13 digits, so they never look like a 12-digit phone number.
MOBILE_ACCOUNT = "1701002600012"
FIXED_ACCOUNT = "1701002600029"
SIP_ACCOUNT = "1701002600036"
ORG2_MOBILE_ACCOUNT = "1701004800015"
BENCH_ACCOUNT = "1701009900018"

ADMIN, SUPERVISOR, BOTH = "375290000001", "375290000002", "375290000003"
ORG2_ADMIN, BENCH_ADMIN = "375290000101", "375290000201"
SIP_CONNECTION = "375172000001"  # «SIP-соединение»: the SIP administrator's number
SIP_NUMBERS = ("375172000002", "375172000003", "375172000004", "375172000005", "375172000006")  # «SIP-номер»
SIP_SILENT = "375172000006"  # no calls in the current month («нет звонков»)
SIP_EMAIL = "sip-admin@example.com"

# who, login, password (None: none yet)
SIGN_INS = [
    ("Администратор (мобильная связь)", ADMIN, "Admin#2026"),
    ("Супервайзер", SUPERVISOR, "Super#2026"),
    ("Администратор и супервайзер", BOTH, "Both#2026"),
    ("Администратор (фиксированная связь, вход по лицевому счету)", FIXED_ACCOUNT, "Fixed#2026"),
    ("Администратор SIP", SIP_CONNECTION, None),
    ("Администратор другой организации", ORG2_ADMIN, "Other#2026"),
    ("Администратор нагрузочной организации", BENCH_ADMIN, "Bench#2026"),
]
PASSWORDS = {login: password for _, login, password in SIGN_INS}
SIP_NOTE = f"пароля нет: «Забыли пароль» → «Идентификация через E-mail», письмо на {SIP_EMAIL}"


@dataclass(frozen=True)
class DemoInfo:
    organization: str
    mobile_account: str
    fixed_account: str
    sip_account: str
    org2_mobile_account: str
    sip_connection_number: str
    sign_ins: tuple[tuple[str, str, str], ...]  # (who, login, password or a note)
    bench_account: str | None = None

    def format(self) -> str:
        """The sign-ins as a text table, for the console."""
        width_who = max(len(who) for who, _, _ in self.sign_ins)
        width_login = max(len(login) for _, login, _ in self.sign_ins)
        lines = [f"Демо-организация: {self.organization}",
                 f"Лицевые счета: мобильная связь {self.mobile_account}, фиксированная {self.fixed_account}, "
                 f"SIP {self.sip_account}; другая организация {self.org2_mobile_account}"
                 + (f"; нагрузочная {self.bench_account}" if self.bench_account else ""),
                 "Вход в Личный кабинет:"]
        lines += [f"  {who:<{width_who}}  {login:<{width_login}}  {password}" for who, login, password in self.sign_ins]
        return "\n".join(lines)


def _password_note(password: str | None, password_hash: str | None) -> str:
    if password is None:
        return SIP_NOTE if password_hash is None else "пароль задан при первой регистрации"
    return password if verify_password(password, password_hash) else "пароль изменен пользователем"


def demo_info(session: Session) -> DemoInfo:
    """What seed_demo returned, read back from a seeded database (passwords changed since are not shown)."""
    connection = session.connection()
    known = [MOBILE_ACCOUNT, FIXED_ACCOUNT, SIP_ACCOUNT, ORG2_MOBILE_ACCOUNT, BENCH_ACCOUNT]
    accounts: dict[str, int] = dict(connection.execute(
        select(PersonalAccount.number, PersonalAccount.organization_id).where(PersonalAccount.number.in_(known))
    ).all())
    if MOBILE_ACCOUNT not in accounts:
        raise LookupError("В базе нет демонстрационных данных: сначала выполните python -m cabinet.seed.")
    organization = connection.execute(
        select(Organization.name).where(Organization.id == accounts[MOBILE_ACCOUNT])
    ).scalar_one()
    hashes: dict[str, str] = dict(connection.execute(
        select(User.login, User.password_hash).where(User.login.in_([login for _, login, _ in SIGN_INS]))
    ).all())
    return DemoInfo(
        organization=organization,
        mobile_account=MOBILE_ACCOUNT,
        fixed_account=FIXED_ACCOUNT,
        sip_account=SIP_ACCOUNT,
        org2_mobile_account=ORG2_MOBILE_ACCOUNT,
        sip_connection_number=SIP_CONNECTION,
        sign_ins=tuple((who, login, _password_note(password, hashes[login]))
                       for who, login, password in SIGN_INS if login in hashes),
        bench_account=BENCH_ACCOUNT if BENCH_ACCOUNT in accounts else None,
    )
