"""What the worker does with a request: one handler per request kind, and a hook run once every item is done.

Each domain's `handlers.py` ends with its dicts `HANDLERS` and `FINISH_HOOKS`; `cabinet.bootstrap` merges them
into one `Registry` and hands it to the worker, so the worker imports no handler and no handler imports the worker.

    def rename(session, request, item) -> str:
        ...                      # change the subscriber, in `session` (do not commit or roll back)
        return "Выполнено"       # the item's result; raise ItemRefused("причина") to refuse it
                                 # (any DomainError a service raises refuses it too, with its message;
                                 # other exceptions are retried, then refused as an internal error)

    def mail_detail(session, request) -> None:
        ...                      # e.g. enqueue_email(...) once every item is done, in the same transaction

Slow work (rendering a document, writing a file) must not hold the write lock that every other user's write waits
for: such a handler is a `Prepared` pair, `prepare` run first in a session that only reads, then `record`, which
does the item's writes with what was prepared, in the worker's short write transaction (a `PreparedHook` for a
finish hook). The same rules of refusal hold for both parts.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass, field
from typing import Any, Generic, TypeVar

from sqlmodel import Session

from cabinet.models import Request, RequestItem, RequestKind, RequestStatus

T = TypeVar("T")


@dataclass(frozen=True)
class Prepared(Generic[T]):
    """An item handler in two parts: `prepare` (slow, reads only) and `record` (quick, writes); see above."""

    prepare: Callable[[Session, Request, RequestItem], T]
    record: Callable[[Session, Request, RequestItem, T], str]


@dataclass(frozen=True)
class PreparedHook(Generic[T]):
    """A finish hook in two parts: `prepare` (slow, reads only) and `record` (quick, writes)."""

    prepare: Callable[[Session, Request], T]
    record: Callable[[Session, Request, T], None]


Handler = Callable[[Session, Request, RequestItem], str] | Prepared[Any]
FinishHook = Callable[[Session, Request], None] | PreparedHook[Any]


@dataclass(frozen=True)
class Registry:
    """The item handler of every request kind, and the finish hooks of the kinds that have one."""

    handlers: Mapping[str, Handler] = field(default_factory=dict)
    finish_hooks: Mapping[str, FinishHook] = field(default_factory=dict)

    def handler(self, kind: str) -> Handler | None:
        return self.handlers.get(kind)

    def finish_hook(self, kind: str) -> FinishHook | None:
        return self.finish_hooks.get(kind)

    @classmethod
    def of(cls, *parts: tuple[Mapping[RequestKind, Handler], Mapping[RequestKind, FinishHook]]) -> Registry:
        """One registry from the domains' (HANDLERS, FINISH_HOOKS); a kind handled twice is a mistake."""
        return cls(handlers=_merged(part[0] for part in parts), finish_hooks=_merged(part[1] for part in parts))


def final_status(done: int, refused: int) -> RequestStatus:
    """The status a request ends with, from its counts of done and refused items."""
    if refused == 0:
        return RequestStatus.DONE
    if done == 0:
        return RequestStatus.REFUSED
    return RequestStatus.PARTLY_DONE


def _merged(parts: Iterable[Mapping[RequestKind, T]]) -> dict[str, T]:
    merged: dict[str, T] = {}
    for part in parts:
        for kind, fn in part.items():
            key = RequestKind(kind).value
            if key in merged:
                raise ValueError(f"request kind {key!r} is handled twice")
            merged[key] = fn
    return merged
