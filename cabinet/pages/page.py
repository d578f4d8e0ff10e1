"""Every page declared once, where it is written: its route, its title, who may enter it (the guard, run once per
page load) and the loads that show it. `cabinet.cabinet` registers what is declared here."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

import reflex as rx

from cabinet.state.session import entry


@dataclass(frozen=True)
class Declared:
    route: str
    title: str
    component: Callable[[], rx.Component]
    on_load: object


DECLARED: list[Declared] = []


def page(route: str, title: str, *, guard: str | None = "company", loads=()):
    """A page function's decorator. `guard`: "company" (the Administrator's and Supervisor's pages), "sip" (the
    SIP administrator's) or None (the sign-in pages, whose `loads` run as they are)."""

    def declare(component: Callable[[], rx.Component]) -> Callable[[], rx.Component]:
        loads_ = list(loads)
        on_load = loads_ or None if guard is None else entry(route, sip=guard == "sip", loads=loads_)
        DECLARED.append(Declared(route=route, title=title, component=component, on_load=on_load))
        return component

    return declare
