"""The session's cookie: one sign-in per browser, every tab and reload signed in, the token out of JavaScript's
reach (HttpOnly). Set and cleared only by the backend's own routes (`cabinet.api`); read from the headers of the
websocket's handshake by the pages and of a request by the upload guard."""

from __future__ import annotations

from http.cookies import CookieError, SimpleCookie

NAME = "cabinet_session"
ADOPT_PATH = "/session/adopt"  # ?ticket=…&next=… : the new session's cookie, then the page it opens
END_PATH = "/session/end"  # ?next=… : the cookie cleared, then the page


def token_in(cookie_header: str) -> str:
    """The session token a Cookie header carries, or ""."""
    try:
        cookies = SimpleCookie(cookie_header or "")
    except CookieError:
        return ""
    found = cookies.get(NAME)
    return found.value if found is not None else ""


def set_cookie(token: str, *, secure: bool, max_age: int) -> str:
    """The Set-Cookie value that gives the browser the session. SameSite=Lax: sent when the user follows a link to
    the cabinet, never with another site's requests or websockets."""
    parts = [f"{NAME}={token}", "Path=/", f"Max-Age={max_age}", "HttpOnly", "SameSite=Lax"]
    return "; ".join([*parts, "Secure"] if secure else parts)


def cleared(*, secure: bool) -> str:
    return set_cookie("", secure=secure, max_age=0)
