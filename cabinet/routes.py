"""Route constants: every link and redirect names one of these."""

LOGIN = "/login"
RECOVER = "/recover"
ROLE = "/role"
PASSWORD = "/password"

HOME = "/"
INVOICES = "/finance/invoices"
PAYMENTS = "/finance/payments"
CALL_DETAIL = "/finance/detail"
RECONCILIATION = "/finance/reconciliation"
SUBSCRIBERS = "/subscribers"
BULK = "/bulk"  # «Услуги»
BULK_TARIFF = "/bulk/tariff"
BULK_OPERATIONS = "/bulk/operations"  # «Операции с абонентом»
HISTORY = "/history"

SIP_HOME = "/sip"
SIP_PAYMENTS = "/sip/payments"
SIP_INVOICES = "/sip/invoices"
SIP_SUBSCRIBERS = "/sip/subscribers"
SIP_CARD = "/sip/subscribers/card"
SUBSCRIBER_CARD = "/subscribers/card"
CONFIRM_ADDRESS = "/delivery/confirm"  # the link mailed to a new delivery address; no sign-in needed


def recovery(login: str = "") -> str:
    """«Забыли пароль», with the number typed on the sign-in page."""
    from urllib.parse import quote

    return f"{RECOVER}?login={quote(login)}" if login else RECOVER


def subscriber_card(subscriber_id) -> str:
    return f"{SUBSCRIBER_CARD}?id={subscriber_id}"
REQUEST = "/history/request"


def request_page(request_id) -> str:
    return f"{REQUEST}?id={request_id}"


def sip_card(subscriber_id) -> str:
    return f"{SIP_CARD}?id={subscriber_id}"


def address_confirmation(token: str) -> str:
    return f"{CONFIRM_ADDRESS}?token={token}"


SIGN_IN_STEPS = (LOGIN, RECOVER, ROLE, PASSWORD)  # no address to come back to


def returning(page: str, back_to: str = "") -> str:
    """`page` (the sign-in page, the role choice, the password change) carrying the local address to open once the
    user is signed in; none is carried for «Главная», where a sign-in leads anyway, or for an address of another
    site."""
    from urllib.parse import urlencode

    target = local_path(back_to, default="")
    if target.split("?")[0].rstrip("/") in ("", *SIGN_IN_STEPS):
        return page
    return f"{page}?{urlencode({'next': target})}"


def local_path(target: str | None, default: str = HOME) -> str:
    """`target` if it is a path of this site («/subscribers?q=…»), else `default`: a return address taken from a
    link must never lead to another site (`//evil.example`, `https://…`, `/\\evil.example`)."""
    from urllib.parse import urlsplit

    text = (target or "").strip()
    if not text.startswith("/") or text.startswith("//") or "\\" in text or any(ord(c) < 32 for c in text):
        return default
    parts = urlsplit(text)
    return text if not parts.scheme and not parts.netloc else default
