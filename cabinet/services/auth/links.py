"""Signed links: what a page hands the browser to fetch over HTTP (a file, an invoice), without the session's
token. A link's fields are signed with the server's key for one purpose and expire; a session link also names
the session that asked for it, and is honoured only while that session lives and its actor may still see what
the link names (the service that serves the file checks that again)."""

from __future__ import annotations

import base64
import datetime as dt
import hashlib
import hmac
import json

from sqlmodel import Session

from cabinet import clock, settings
from cabinet.models import UserSession
from cabinet.services.access import BY_LINK, Actor, serves
from cabinet.services.auth import sessions
from cabinet.services.errors import AccessDenied, DomainError

BAD_LINK = "Ссылка недействительна или устарела. Получите новую на странице, с которой скачивали файл."
SESSION_LINK_LIFETIME = dt.timedelta(minutes=10)
# The longest token the cabinet signs is a delivery confirmation naming six addresses of 254 characters, each
# Cyrillic character escaped to six bytes: about 12.5 KB. Anything longer is refused before it is decoded.
MAX_TOKEN_LENGTH = 16_384


def _signature(purpose: str, payload: bytes) -> str:
    return hmac.new(settings.get().secret_key.encode(), f"{purpose}:".encode() + payload, hashlib.sha256).hexdigest()


def signed(purpose: str, fields: dict, *, expires: dt.datetime) -> str:
    """A token carrying `fields` (plain JSON values) for `purpose` until `expires`."""
    payload = json.dumps({**fields, "e": expires.isoformat()}, separators=(",", ":")).encode()
    return base64.urlsafe_b64encode(payload).decode().rstrip("=") + "." + _signature(purpose, payload)


def _scalar(value: object) -> bool:
    return value is None or isinstance(value, (str, int, float, bool))


def _flat_fields(payload: bytes) -> dict:
    """A token's fields: a JSON object whose values are scalars, or lists or objects of scalars (a session
    link's "p"); ValueError for anything else."""
    fields = json.loads(payload)
    if not isinstance(fields, dict):
        raise ValueError("not an object")
    for value in fields.values():
        inner = value.values() if isinstance(value, dict) else value if isinstance(value, list) else (value,)
        if not all(map(_scalar, inner)):
            raise ValueError("nested")
    return fields


def unsigned(purpose: str, token: str, *, refusal: str = BAD_LINK) -> dict:
    """The fields of a token signed for `purpose` and not expired; AccessDenied(refusal) for anything else.

    The signature is checked on the raw bytes before the JSON is parsed: a token that is not the cabinet's own
    never reaches the parser, however it is nested."""
    if not isinstance(token, str) or not token or len(token) > MAX_TOKEN_LENGTH or not token.isascii():
        raise AccessDenied(refusal)
    try:
        encoded, signature = token.split(".", 1)
        payload = base64.urlsafe_b64decode(encoded + "=" * (-len(encoded) % 4))
    except ValueError:
        raise AccessDenied(refusal) from None
    if not hmac.compare_digest(signature, _signature(purpose, payload)):
        raise AccessDenied(refusal)
    try:
        fields = _flat_fields(payload)
        expires = dt.datetime.fromisoformat(fields.pop("e"))
        expired = clock.now() > expires
    except (ValueError, KeyError, TypeError, RecursionError):
        raise AccessDenied(refusal) from None
    if expired:
        raise AccessDenied(refusal)
    return fields


def session_link(actor: Actor, purpose: str, **params) -> str:
    """A token for the actor's own session, valid SESSION_LINK_LIFETIME: `params` are what it names."""
    if actor.session_id is None:
        raise AccessDenied(BAD_LINK)
    return signed(purpose, {"s": actor.session_id, "p": params}, expires=clock.now() + SESSION_LINK_LIFETIME)


@serves(BY_LINK)
def redeem(session: Session, *, token: str, purpose: str) -> tuple[Actor, dict]:
    """The actor of the session a link was made for, as it is now (ended, expired or changed: refused), and the
    link's params."""
    fields = unsigned(purpose, token)
    try:
        session_id, params = int(fields["s"]), dict(fields["p"])
    except (KeyError, TypeError, ValueError):
        raise AccessDenied(BAD_LINK) from None
    try:
        return sessions.actor_of(session, session.get(UserSession, session_id), touch=False), params
    except DomainError:  # the session ended or expired, or its user may no longer act in it
        raise AccessDenied(BAD_LINK) from None
