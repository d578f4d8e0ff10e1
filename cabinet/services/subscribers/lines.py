"""Kinds of line: which operations apply to a mobile, a fixed-line or a SIP account, and which numbers of the
operator's pool a subscriber may move to («Смена номера», S7).

A number's kind is read from its prefix after 375: a mobile operator code (25, 29, 33, 44) or a city code (17
Minsk, 162 Brest, 222 Mogilev…; 9 digits in all with the local number). A mobile subscriber moves to mobile
numbers only, a fixed-line one to numbers of its own city code only.
"""

from __future__ import annotations

from sqlalchemy import and_, or_
from sqlmodel import col

from cabinet.models import AccountKind, NumberPool, RequestKind
from cabinet.models.base import ACCOUNT_KIND_TITLES
from cabinet.models.request import REQUEST_KIND_TITLES
from cabinet.services.errors import DomainError

MOBILE_CODES = ("25", "29", "33", "44")
# Minsk, then the regional centres and the larger towns; the longest code that a number starts with is its own
CITY_CODES = ("17", "174", "176", "177", "152", "154", "162", "163", "165", "212", "214", "216", "222", "225",
              "232", "236")

MOBILE, FIXED, SIP = AccountKind.MOBILE.value, AccountKind.FIXED.value, AccountKind.SIP.value
COMPANY_LINES = frozenset({MOBILE, FIXED})

# the kinds of account each one-subscriber and list operation applies to
APPLIES: dict[str, frozenset[str]] = {
    RequestKind.SERVICES: frozenset({MOBILE, FIXED, SIP}),
    RequestKind.TARIFF: COMPANY_LINES,
    RequestKind.ACTIVATION: COMPANY_LINES,
    RequestKind.RENAME: COMPANY_LINES,
    RequestKind.FORWARDING: COMPANY_LINES,
    RequestKind.NUMBER_CHANGE: COMPANY_LINES,
    RequestKind.SIM_REPLACEMENT: frozenset({MOBILE}),  # a fixed line has no SIM card
    RequestKind.TERMINATION: COMPANY_LINES,
}
NO_SIM = "У абонента фиксированной связи нет SIM-карты: замена SIM-карты недоступна."


def refusal(account_kind: str, request_kind: str) -> str | None:
    """Why the operation does not apply to a subscriber of this kind of account, or None when it does."""
    if str(account_kind) in APPLIES.get(request_kind, frozenset()):
        return None
    if request_kind == RequestKind.SIM_REPLACEMENT and account_kind in (FIXED, SIP):
        return NO_SIM if account_kind == FIXED else "У SIP-абонента нет SIM-карты: замена SIM-карты недоступна."
    title = REQUEST_KIND_TITLES.get(request_kind, str(request_kind))
    return f"Операция «{title}» недоступна для лицевого счета «{ACCOUNT_KIND_TITLES.get(account_kind, account_kind)}»."


def require_applies(account_kind: str, request_kind: str) -> None:
    if (reason := refusal(account_kind, request_kind)) is not None:
        raise DomainError(reason)


def code_of(number: str) -> str:
    """The operator or city code of a 12-digit 375… number: «29», «17», «162»; "" when it is neither."""
    local = str(number or "")[3:]
    if local[:2] in MOBILE_CODES:
        return local[:2]
    return max((c for c in CITY_CODES if local.startswith(c)), key=len, default="")


def is_mobile(number: str) -> bool:
    return code_of(number) in MOBILE_CODES


def pool_of(number: str):
    """The SQL condition on NumberPool for the numbers a subscriber with this number may move to: the mobile
    pool for a mobile number, the numbers of its city code for a fixed-line one (none when it has neither)."""
    code = code_of(number)
    if code in MOBILE_CODES:
        return or_(*(col(NumberPool.number).startswith(f"375{c}") for c in MOBILE_CODES))
    if not code:
        return col(NumberPool.number).is_(None)  # nothing
    longer = [c for c in CITY_CODES if c != code and c.startswith(code)]
    return and_(col(NumberPool.number).startswith(f"375{code}"),
                *(~col(NumberPool.number).startswith(f"375{c}") for c in longer))


def in_pool_of(number: str, candidate: str) -> bool:
    """The same rule as `pool_of`, for one number: may a subscriber with `number` move to `candidate`?"""
    code = code_of(number)
    if code in MOBILE_CODES:
        return is_mobile(candidate)
    return bool(code) and code_of(candidate) == code
