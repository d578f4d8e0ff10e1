"""What the browser sends for a choice is kept only if the page could have offered it."""

from __future__ import annotations

from cabinet.state.format import CHOICE_LIMIT, one, shown


def test_a_choice_comes_as_a_string_or_a_list_of_one():
    assert one("2026-10") == "2026-10"
    assert one(["7"]) == "7"
    assert one([]) == ""


def test_a_choice_longer_than_any_offered_value_is_dropped():
    assert one("x" * (CHOICE_LIMIT + 1)) == ""
    assert one(["x" * 900_000]) == ""
    assert one({"nested": "dict"}) == ""


def test_only_an_offered_value_is_kept():
    offered = ["11", "12"]
    assert shown("12", offered) == "12"
    assert shown(["11"], offered) == "11"
    assert shown("13", offered) == ""  # another company's subscriber, or nothing shown at all
