"""The address a sign-in leads back to: a page of this site only, never another site, nor a step of the sign-in."""

from __future__ import annotations

from urllib.parse import parse_qs, urlsplit

import pytest

from cabinet import routes


def carried(address: str) -> str | None:
    """The `next` an address of the sign-in pages carries, or None."""
    found = parse_qs(urlsplit(address).query).get("next")
    return found[0] if found else None


def test_a_deep_link_is_carried_through_the_sign_in_exactly():
    link = "/subscribers/card?id=5&tab=services"
    address = routes.returning(routes.LOGIN, link)
    assert urlsplit(address).path == routes.LOGIN
    assert carried(address) == link
    assert carried(routes.returning(routes.ROLE, "/history?kind=tariff&page=2")) == "/history?kind=tariff&page=2"


@pytest.mark.parametrize("target", [
    "//evil.example/subscribers", "https://evil.example/", "http:/evil.example", "/\\evil.example", "\\\\evil",
    "javascript:alert(1)", "evil.example", "/subscribers\r\nSet-Cookie: x=1", " //evil.example", "",
])
def test_another_sites_address_is_never_carried(target):
    assert routes.returning(routes.LOGIN, target) == routes.LOGIN
    assert routes.local_path(target) == routes.HOME


@pytest.mark.parametrize("target", ["/", routes.LOGIN, routes.LOGIN + "?next=/history", routes.ROLE, routes.PASSWORD,
                                    routes.RECOVER + "?login=375290000001", routes.LOGIN + "/"])
def test_home_and_the_sign_in_steps_themselves_are_not_carried(target):
    assert routes.returning(routes.LOGIN, target) == routes.LOGIN
