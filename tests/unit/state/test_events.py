"""Every public method of a Reflex state is an event the browser can send with any payload: the events the cabinet
means are listed here, so that a helper left public (or a new event) fails this test until it is underscore-named
or added with thought. And each page state calls only services that serve its page's users."""

from __future__ import annotations

import inspect
import re

import reflex as rx

import cabinet.cabinet  # noqa: F401  (registers every page and its states)
from cabinet.services import access
from cabinet.state.session import ENTRIES, cabinet_states

MEANT = {
    "MenuState": {"close", "toggle"},
    "BulkState": {"again", "back", "confirm", "load", "review", "set_tab", "set_typed"},
    "BulkRenameState": {"again", "back", "confirm", "confirm_name", "draft", "go", "retype_name", "review", "to_edit",
                        "to_names"},
    "BulkServicesState": {"again", "back", "confirm", "load", "review", "set_action", "set_category", "set_service"},
    "BulkTariffState": {"again", "back", "choose", "confirm", "load", "review", "tick"},
    "CardState": {"activate", "close", "connect", "disconnect", "follow", "load", "open", "rename", "set_forwarding"},
    "NumberChangeState": {"back", "change", "draw", "open", "pick", "review", "set_category"},
    "SimReplacementState": {"back", "confirm", "edit", "leave_field", "next_step", "open"},
    "TariffChoiceState": {"choose", "connect", "open", "tick"},
    "ConfirmAddressState": {"confirm", "load"},
    "DetailState": {"confirm", "go_to", "load", "review", "set_layout", "set_period"},
    "HistoryState": {"apply", "go", "load"},
    "HomeState": {"load"},
    "InvoicesState": {"choose", "load", "open_edit", "resend", "retype_emails", "save_delivery", "send",
                      "set_draft_format", "set_editing"},
    "PaymentsState": {"ask_to_register", "ask_to_withdraw", "close_change", "close_withdraw", "load", "open_change",
                      "register", "retype_amount", "retype_change", "retype_date_from", "retype_date_to", "save_change",
                      "set_confirming", "show", "withdraw"},
    "SipPaymentsState": {"ask_to_register", "ask_to_withdraw", "close_change", "close_withdraw", "load",
                         "open_change", "open_section", "register", "retype_amount", "retype_change",
                         "retype_date_from", "retype_date_to", "save_change", "set_confirming", "show", "withdraw"},
    "PickerState": {"find", "go", "rejected", "set_all_matching", "set_source", "tick", "upload"},
    "ReconciliationState": {"back", "load", "next_step", "order", "set_date_from", "set_date_to", "set_email",
                            "set_to_other"},
    "RequestState": {"export", "follow", "go", "load"},
    "SessionState": {"enter", "sign_out", "switch_account"},
    "AfterSignInState": {"change", "choose", "load"},
    "RecoverState": {"choose_email", "open_page", "recover"},
    "SignInState": {"change_number", "count_down", "open_page", "send_code", "set_category", "set_login", "set_method",
                    "sign_in", "sign_in_with_code"},
    "SipCardState": {"connect", "disconnect", "follow", "load", "open_section"},
    "SipChannelsState": {"back", "choose", "confirm", "review", "set_confirming", "start"},
    "SipChooseState": {"find", "load", "next_step", "pick", "retype_number", "show_all"},
    "SipCallsState": {"go", "load", "set_direction", "set_month", "show"},
    "SipChargesState": {"load", "set_month", "show"},
    "SipSettingsState": {"hide_password", "load", "show_password"},
    "SipDetailState": {"back", "load", "next_step", "order", "set_layout", "set_month", "tick"},
    "SipHomeState": {"load"},
    "SipInvoicesState": {"change_delivery", "delivery_back", "emails_entered", "load", "make_link", "method_chosen",
                         "open_section", "retype_emails", "save_delivery", "send", "set_draft_method", "set_month"},
    "SipPreliminaryState": {"load", "order", "set_scope"},
    "SubscribersState": {"apply", "download_export", "export", "follow_export", "go", "load", "sort_by"},
    "ProgressState": {"follow"},
}
# Reflex's own: `setvar` sets only vars that have a setter (none of ours is generated; a backend var never has one),
# the rest hydrate the page and take the browser's cookies and local storage.
REFLEX_OWN = {"setvar", "handle_frontend_exception", "on_load_internal", "set_is_hydrated", "update_vars_internal",
              "hydrate_and_load"}


def _states(parent=rx.State):
    for state in parent.get_substates():
        yield state
        yield from _states(state)


def _ours():
    """Every state of the cabinet: the ones a sign-in or sign-out resets (SessionState._reset_tab)."""
    return list(cabinet_states(rx.State))


def test_the_browser_can_call_only_the_events_meant_as_events():
    found = {state.__name__: set(state.event_handlers) - REFLEX_OWN for state in _ours()}
    assert found == MEANT
    for state in _states():
        if not state.__module__.startswith("cabinet."):
            assert set(state.event_handlers) <= REFLEX_OWN, state.__name__


def test_no_setter_is_generated_and_no_backend_var_has_one():
    for state in _ours():
        backend = {name for klass in state.__mro__ if klass.__module__.startswith("cabinet.")
                   for name in inspect.get_annotations(klass) if name.startswith("_")}
        for name in backend:
            assert not hasattr(state, f"set_{name}"), f"{state.__name__}.{name}"
        generated = {name for name in state.event_handlers if name.startswith("set_")
                     and name not in vars(state) and not any(name in vars(base) for base in state.__mro__)}
        assert generated == set(), state.__name__


_CALLED = re.compile(r"(?:_run|_call|_ask|_order|call_as|call)\(\s*(?:[\w.]+,\s*)?([a-z_]+\.[a-z_]+)\b")


def _services_called(state) -> set:
    """The services a state's own code names in its calls (`self._run(module.service, …)` and the like)."""
    names = set()
    for klass in state.__mro__:
        if klass.__module__.startswith("cabinet.state"):
            source = inspect.getsource(klass)
            module = inspect.getmodule(klass)
            for dotted in _CALLED.findall(source):
                owner, name = dotted.split(".")
                target = getattr(getattr(module, owner, None), name, None)
                if callable(target):
                    names.add((dotted, target))
    return names


def test_a_page_state_calls_only_services_that_serve_its_pages_users():
    """A SIP administrator's page calls services serving the SIP administrator on SIP accounts; a company page
    calls services serving the Administrator and the Supervisor."""
    pages = {}  # state -> whose pages load it
    for entry in ENTRIES.values():
        for load in entry.loads:
            pages.setdefault(load.state, set()).add(entry.sip)
    assert pages
    checked = 0
    for state, sips in pages.items():
        for dotted, service in _services_called(state):
            serves = access.declared(service)
            assert serves is not None, f"{state.__name__} calls {dotted}, which declares nobody"
            if serves.how != "actor":
                continue
            for sip in sips:
                role = "sip_admin" if sip else "administrator"
                assert serves.kinds_for(role), f"{state.__name__} ({role}'s page) calls {dotted} ({serves.name})"
                checked += 1
    assert checked > 20
