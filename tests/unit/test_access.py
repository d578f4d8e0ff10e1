"""Every service says whom it serves, and is held to it: each public function of `cabinet.services` that takes an
actor, a session token or a link carries a declaration (`access.serves`), and every service acting for an actor
is called here with every role on every kind of account, and with another company's objects, and refused exactly
where its declaration says: the same refusal whether the object is of the wrong kind, another company's or
missing. A new service without a declaration, or one that reads before the check, fails this test."""

from __future__ import annotations

import datetime as dt
import importlib
import inspect
import io
import pkgutil
import uuid
from dataclasses import dataclass
from decimal import Decimal

import openpyxl
import pytest
from sqlmodel import select

import cabinet.services
from cabinet.models import (
    AccountKind,
    ChannelPackage,
    GuaranteePayment,
    Request,
    RequestKind,
    Role,
    Service,
    Tariff,
    UploadedList,
    UploadedListItem,
)
from cabinet.services import access
from cabinet.services.errors import AccessDenied, DomainError, SessionExpired
from cabinet.services.subscribers.choice import Choice
from tests.unit.factories import (
    make_account,
    make_actor,
    make_invoice,
    make_org,
    make_pool_number,
    make_service,
    make_sim,
    make_subscriber,
    make_user,
)

ROLES = (Role.ADMINISTRATOR, Role.SUPERVISOR, Role.SIP_ADMIN)
KINDS = (AccountKind.MOBILE, AccountKind.FIXED, AccountKind.SIP)
NAMED_BY_CLIENT = {"actor", "token", "link"}  # what makes a function reachable from a page or a link
GENERIC = AccessDenied().message
RECORDERS = {"audit.record"}  # writes down who acted, after the service that admitted the actor


def _functions():
    for found in pkgutil.walk_packages(cabinet.services.__path__, "cabinet.services."):
        module = importlib.import_module(found.name)
        for name, fn in vars(module).items():
            if not name.startswith("_") and inspect.isfunction(fn) and fn.__module__ == module.__name__:
                yield f"{found.name.removeprefix('cabinet.services.')}.{name}", fn


def _keyword_only(fn) -> dict[str, inspect.Parameter]:
    return {name: p for name, p in inspect.signature(fn).parameters.items() if p.kind == p.KEYWORD_ONLY}


FUNCTIONS = dict(_functions())
SERVICES = {name: fn for name, fn in FUNCTIONS.items() if access.declared(fn) is not None}
ACTING = {name: fn for name, fn in SERVICES.items() if access.declared(fn).how == "actor"}


def test_every_function_a_client_can_name_declares_whom_it_serves():
    undeclared = sorted(name for name, fn in FUNCTIONS.items()
                        if NAMED_BY_CLIENT & set(_keyword_only(fn)) and access.declared(fn) is None
                        and name not in RECORDERS)
    assert undeclared == []
    assert len(ACTING) > 60  # the walk found the services themselves


def test_a_service_acting_for_an_actor_takes_it_and_the_others_do_not():
    for name, fn in SERVICES.items():
        takes_actor = "actor" in _keyword_only(inspect.unwrap(fn))
        assert takes_actor == (access.declared(fn).how == "actor"), name


# --- the world: two companies, each with an account of every kind and something on each ---------------------------

@dataclass
class Objects:
    account: object
    subscriber: object
    invoice: object
    request: object
    upload: object
    guarantee: object


def _objects(session, org, account, user) -> Objects:
    subscriber = make_subscriber(session, account, number=f"375{170000000 + account.id * 1000 + org.id}")
    invoice = make_invoice(session, account, dt.date(2026, 10, 1))
    request = Request(organization_id=org.id, account_id=account.id, author_id=user.id, kind="rename",
                      idempotency_key=uuid.uuid4().hex, summary="Смена имени")
    upload = UploadedList(user_id=user.id, account_id=account.id, count=1)
    session.add_all([request, upload])
    session.flush()
    session.add(UploadedListItem(list_id=upload.id, position=0, subscriber_id=subscriber.id))
    guarantee = GuaranteePayment(account_id=account.id, invoice_id=invoice.id, user_id=user.id, amount=Decimal("1.00"))
    session.add(guarantee)
    session.flush()
    return Objects(account, subscriber, invoice, request, upload, guarantee)


@pytest.fixture
def world(session):
    companies = {}
    for company in ("own", "other"):
        org = make_org(session)
        accounts = {kind: make_account(session, org, kind) for kind in KINDS}
        user = make_user(session, org, list(accounts.values()), roles=list(ROLES))
        make_sim(session, org)
        companies[company] = (org, user, {kind: _objects(session, org, a, user) for kind, a in accounts.items()})
    make_pool_number(session)
    make_service(session)
    session.add(ChannelPackage(code="ch4", name="4 канала", channels=4))
    session.commit()
    return companies


def _xlsx(number: str) -> bytes:
    book = openpyxl.Workbook()
    book.active.append([number])
    out = io.BytesIO()
    book.save(out)
    return out.getvalue()


def _first(session, table) -> int:
    return session.exec(select(table.id).order_by(table.id)).first()


def _arguments(session, fn, objects: Objects, org) -> dict:
    """Arguments naming `objects`, by each keyword's name; an unknown required one fails the test, so that a new
    service gets its sample here."""
    today = dt.date(2026, 11, 16)
    subscriber = objects.subscriber
    samples = {
        "account_id": objects.account.id, "subscriber_id": subscriber.id, "request_id": objects.request.id,
        "invoice_id": objects.invoice.id, "guarantee_id": objects.guarantee.id, "amount": "1,00", "upload_id": objects.upload.id, "account": objects.account,
        "invoice": objects.invoice, "choice": Choice(subscriber_ids=[subscriber.id]),
        "names": {subscriber.id: "Новое имя"}, "name": "Новое имя", "number": subscriber.number,
        "idempotency_key": uuid.uuid4().hex, "year": today.year, "month": today.month - 1, "connect": True,
        "service_id": _first(session, Service), "tariff_id": _first(session, Tariff), "service_ids": [],
        "package_id": _first(session, ChannelPackage), "kind": "unconditional", "target": None, "layout": "single_sheet", "category": "Простой",
        "iccid": "8937502000000000001", "recipients": ["buh@example.test"], "direction": "incoming",
        "method": "email", "emails": "buh@example.test", "invoice_format": "pdf", "content": _xlsx(subscriber.number),
        "out": io.BytesIO(), "addresses": ["new@example.test"], "date_from": dt.date(2026, 1, 1),
        "date_to": dt.date(2026, 10, 31), "params": {}, "items": [], "subscriber": subscriber, "expected": {},
        "asked": ["new@example.test"],
        "what": "смена имени",
    }
    arguments = {}
    for name, parameter in _keyword_only(inspect.unwrap(fn)).items():
        if name == "actor":
            continue
        if name == "kind" and "RequestKind" in str(parameter.annotation):
            arguments[name] = RequestKind.RENAME
        elif name == "numbers":  # a typed list (text) or numbers already split
            arguments[name] = subscriber.number if "str" in str(parameter.annotation).split("|")[0] else [
                subscriber.number]
        elif name in samples:
            arguments[name] = samples[name]
        elif parameter.default is inspect.Parameter.empty:
            raise AssertionError(f"{fn.__qualname__}: no sample for `{name}`; add one to this test")
    return arguments


def _outcome(session, fn, actor, arguments) -> str:
    """How a call ended: "refused" (the generic refusal), "ruled" (another refusal), or "done"."""
    try:
        with session.begin_nested():
            fn(session, actor=actor, **arguments)
            raise _Undo()
    except _Undo:
        return "done"
    except AccessDenied as refusal:
        return "refused" if refusal.message == GENERIC else "ruled"
    except DomainError:
        return "ruled"


class _Undo(Exception):
    """Rolls a call's writes back, so that each call meets the same world."""


def _actor(world, company: str, role: str):
    org, user, objects = world[company]
    return make_actor(user, [o.account for o in objects.values()], role=role)  # every account: the declaration
    # alone narrows what the role reaches


@pytest.mark.parametrize("name", sorted(ACTING))
def test_each_role_reaches_through_a_service_only_the_kinds_of_account_it_serves(session, world, name):
    fn = ACTING[name]
    serves = access.declared(fn)
    org, _, objects = world["own"]
    wrong = []
    for role in ROLES:
        actor = _actor(world, "own", role)
        for kind in KINDS:
            outcome = _outcome(session, fn, actor, _arguments(session, fn, objects[kind], org))
            if (outcome == "refused") != (kind not in serves.kinds_for(role)):
                wrong.append(f"{role} on {kind}: {outcome}")
    assert wrong == [], f"{name} serves {serves.name}"


@pytest.mark.parametrize("name", sorted(ACTING))
def test_another_companys_objects_and_missing_ones_are_refused_alike(session, world, name):
    fn = ACTING[name]
    serves = access.declared(fn)
    other_org, _, foreign = world["other"]
    for role, kinds in serves.grants:
        actor = _actor(world, "own", role)
        for kind in kinds:
            arguments = _arguments(session, fn, foreign[kind], other_org)
            assert _outcome(session, fn, actor, arguments) == "refused", f"{name}: {role} on another's {kind}"
            missing = {key: 10**9 if key.endswith("_id") and isinstance(value, int) else value
                       for key, value in arguments.items()}
            if missing != arguments:
                assert _outcome(session, fn, actor, missing) == "refused", f"{name}: {role} on a missing {kind}"


def test_a_role_is_refused_before_anything_is_read(session, world):
    """The declaration's check comes first: a role a service does not serve is refused even when everything it
    names exists and is its company's, with no query of the service's own run."""
    from cabinet.services.sip import subscribers as sip_subscribers

    actor = _actor(world, "own", Role.ADMINISTRATOR)
    with pytest.raises(AccessDenied) as refused:
        sip_subscribers.list_sip_subscribers(session, actor=actor, account_id=world["own"][2][AccountKind.SIP]
                                             .account.id)
    assert refused.value.message == GENERIC


def test_services_named_by_a_token_refuse_a_token_that_is_not_a_live_session(session, world):
    for name, fn in SERVICES.items():
        if access.declared(fn).how == "token" and name != "auth.sessions.sign_out":  # ending none is no refusal
            parameters = _keyword_only(fn)
            arguments = {key: "x" if key != "account_id" else 1 for key, p in parameters.items()
                         if p.default is inspect.Parameter.empty and key != "token"}
            with pytest.raises(SessionExpired):
                fn(session, token="forged", **arguments)


def test_services_named_by_a_link_refuse_a_forged_one(session, world):
    for fn in SERVICES.values():
        if access.declared(fn).how == "link":
            parameter = next(name for name in ("link", "ticket", "token") if name in _keyword_only(fn))
            extra = {"purpose": "anything"} if "purpose" in _keyword_only(fn) else {}
            with pytest.raises((AccessDenied, SessionExpired)):
                fn(session, **{parameter: "e30.forged"}, **extra)


def test_text_beyond_its_bound_is_refused_in_russian_before_the_service_runs(session, world):
    from cabinet.services.subscribers import operations

    actor = _actor(world, "own", Role.ADMINISTRATOR)
    subscriber = world["own"][2][AccountKind.MOBILE].subscriber
    with pytest.raises(DomainError, match="слишком много текста: не более 200 знаков"):
        operations.order_rename(session, actor=actor, subscriber_id=subscriber.id, name="я" * 100_000,
                                idempotency_key=uuid.uuid4().hex)
