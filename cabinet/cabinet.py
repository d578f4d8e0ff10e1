"""The Reflex app: pages registered with their guards, the embedded services as lifespan tasks."""

from __future__ import annotations

import reflex as rx

from cabinet import bootstrap, routes, settings
from cabinet.api import api
from cabinet.delivery import smtp_sink
from cabinet.pages.account import password_page, role_page
from cabinet.pages.bulk import bulk_page
from cabinet.pages.bulk_services import bulk_services_page, bulk_tariff_page
from cabinet.pages.card import card_page
from cabinet.pages.detail import detail_page
from cabinet.pages.history import history_page
from cabinet.pages.home import home_page
from cabinet.pages.invoices import invoices_page
from cabinet.pages.payments import payments_page
from cabinet.pages.reconciliation import reconciliation_page
from cabinet.pages.request import request_page
from cabinet.pages.sign_in import recover_page, sign_in_page
from cabinet.pages.sip import sip_home_page
from cabinet.pages.sip_invoices import sip_invoices_page
from cabinet.pages.sip_payments import sip_payments_page
from cabinet.pages.sip_subscribers import sip_card_page, sip_choose_page
from cabinet.pages.subscribers import subscribers_page
from cabinet.state.bulk import BulkState
from cabinet.state.bulk_services import BulkServicesState
from cabinet.state.bulk_tariff import BulkTariffState
from cabinet.state.card import CardState
from cabinet.state.detail import DetailState
from cabinet.state.history import HistoryState
from cabinet.state.home import HomeState
from cabinet.state.invoices import InvoicesState
from cabinet.state.payments import PaymentsState, SipPaymentsState
from cabinet.state.reconciliation import ReconciliationState
from cabinet.state.request_page import RequestState
from cabinet.state.sign_in import AfterSignInState, SignInState
from cabinet.state.sip_card import SipCardState, SipChooseState
from cabinet.state.sip_card_views import SipCallsState, SipChargesState, SipSettingsState
from cabinet.state.sip_detail import SipDetailState
from cabinet.state.sip_home import SipHomeState
from cabinet.state.sip_invoices import SipInvoicesState
from cabinet.state.sip_preliminary import SipPreliminaryState
from cabinet.state.subscribers import SubscribersState
from cabinet.worker import Worker

app = rx.App(head_components=[rx.el.meta(name="theme-color", content="#3e63dd")], api_transformer=api)

app.add_page(sign_in_page, route=routes.LOGIN, title="Вход · Личный кабинет", on_load=SignInState.open_page)
app.add_page(recover_page, route=routes.RECOVER, title="Забыли пароль · Личный кабинет")
app.add_page(role_page, route=routes.ROLE, title="Способ входа · Личный кабинет", on_load=AfterSignInState.load)
app.add_page(password_page, route=routes.PASSWORD, title="Смена пароля · Личный кабинет", on_load=AfterSignInState.load)
app.add_page(home_page, route=routes.HOME, title="Главная · Личный кабинет", on_load=HomeState.load_company)
app.add_page(invoices_page, route=routes.INVOICES, title="Счета · Личный кабинет", on_load=InvoicesState.load)
app.add_page(payments_page, route=routes.PAYMENTS, title="Платежи · Личный кабинет", on_load=PaymentsState.load)
app.add_page(detail_page, route=routes.CALL_DETAIL, title="Детализация на Email · Личный кабинет",
             on_load=DetailState.load)
app.add_page(reconciliation_page, route=routes.RECONCILIATION, title="Акт сверки · Личный кабинет",
             on_load=ReconciliationState.load)
app.add_page(subscribers_page, route=routes.SUBSCRIBERS, title="Абоненты · Личный кабинет",
             on_load=SubscribersState.load)
app.add_page(card_page, route=routes.SUBSCRIBER_CARD, title="Карточка абонента · Личный кабинет",
             on_load=CardState.load)
BULK_TITLE = "Операции со списком абонентов · Личный кабинет"
app.add_page(bulk_services_page, route=routes.BULK, title=f"Услуги · {BULK_TITLE}",
             on_load=BulkServicesState.load)
app.add_page(bulk_tariff_page, route=routes.BULK_TARIFF, title=f"Изменение тарифа · {BULK_TITLE}",
             on_load=BulkTariffState.load)
app.add_page(bulk_page, route=routes.BULK_OPERATIONS, title=f"Операции с абонентом · {BULK_TITLE}",
             on_load=BulkState.load)
app.add_page(history_page, route=routes.HISTORY, title="История заявок · Личный кабинет", on_load=HistoryState.load)
app.add_page(request_page, route=routes.REQUEST, title="Заявка · Личный кабинет", on_load=RequestState.load)
app.add_page(sip_home_page, route=routes.SIP_HOME, title="Личный кабинет SIP", on_load=SipHomeState.load)
app.add_page(sip_payments_page, route=routes.SIP_PAYMENTS, title="Платежи · Личный кабинет SIP",
             on_load=SipPaymentsState.load)
app.add_page(sip_invoices_page, route=routes.SIP_INVOICES, title="Счета · Личный кабинет SIP",
             on_load=[SipInvoicesState.load, SipDetailState.load, SipPreliminaryState.load])
app.add_page(sip_choose_page, route=routes.SIP_SUBSCRIBERS, title="Выбор SIP-абонента · Личный кабинет SIP",
             on_load=SipChooseState.load)
app.add_page(sip_card_page, route=routes.SIP_CARD, title="SIP-абонент · Личный кабинет SIP",
             on_load=[SipCardState.load, SipSettingsState.load, SipChargesState.load, SipCallsState.load])

if settings.get().embedded_smtp:
    app.register_lifespan_task(smtp_sink.serving)
if settings.get().run_worker_in_app:
    app.register_lifespan_task(Worker(bootstrap.handler_registry()).serving)
