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

A handler that reads for long and whose effect lies outside the database (the xlsx of a large export) is marked
`@reads_only`: the worker runs it on a read-only snapshot, before and apart from the short transaction that
records its item's outcome, so on SQLite it never holds the write lock that signing in and every order wait for.
What it writes to the database is not kept, and it may be done again (a worker that dies after it, before the
outcome is recorded, leaves the item to be done anew), so its effect must bear repeating.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass, field
from typing import TypeVar

from sqlmodel import Session

from cabinet.models import Request, RequestItem, RequestKind

Handler = Callable[[Session, Request, RequestItem], str]
FinishHook = Callable[[Session, Request], None]
T = TypeVar("T")


def reads_only(handler: Handler) -> Handler:
    """Mark a handler that writes nothing to the database and reads for long (see the module)."""
    handler.reads_only = True
    return handler


@dataclass(frozen=True)
class Registry:
    """The item handler of every request kind, and the finish hooks of the kinds that have one."""

    handlers: Mapping[str, Handler] = field(default_factory=dict)
    finish_hooks: Mapping[str, FinishHook] = field(default_factory=dict)

    def handler(self, kind: str) -> Handler | None:
        return self.handlers.get(kind)

    def finish_hook(self, kind: str) -> FinishHook | None:
        return self.finish_hooks.get(kind)

    def reads_only(self, kind: str) -> bool:
        """The kind's handler is marked `@reads_only`."""
        return getattr(self.handlers.get(kind), "reads_only", False)

    @classmethod
    def of(cls, *parts: tuple[Mapping[RequestKind, Handler], Mapping[RequestKind, FinishHook]]) -> Registry:
        """One registry from the domains' (HANDLERS, FINISH_HOOKS); a kind handled twice is a mistake."""
        return cls(handlers=_merged(part[0] for part in parts), finish_hooks=_merged(part[1] for part in parts))


def _merged(parts: Iterable[Mapping[RequestKind, T]]) -> dict[str, T]:
    merged: dict[str, T] = {}
    for part in parts:
        for kind, fn in part.items():
            key = RequestKind(kind).value
            if key in merged:
                raise ValueError(f"request kind {key!r} is handled twice")
            merged[key] = fn
    return merged
