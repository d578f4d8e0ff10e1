"""Client organisations and their personal accounts: a few rows each, written with Core like the rest."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

from sqlmodel import Session

from cabinet.models import Organization, PersonalAccount
from cabinet.seed.finance import Account
from cabinet.seed.rows import insert_one

BANK = "р/с {iban} в ОАО «Приорбанк», БИК PJCBBY2X, г. Минск"

ORG1 = dict(name="ООО «Белтехснаб»", unp="190542871", contact_email="sip-admin@example.com",
            legal_address="220030, г. Минск, ул. Немига, д. 12, офис 401",
            bank_details=BANK.format(iban="BY86PJCB30120000000004521000"), contract_number="К-2019/0457")
ORG2 = dict(name="ОАО «Минский завод стройдеталей»", unp="100387265", contact_email="office.mzsd@example.by",
            legal_address="220073, г. Минск, ул. Бирюзова, д. 4, корп. 2",
            bank_details=BANK.format(iban="BY13PJCB30120000000001873300"), contract_number="К-2021/1180")
BENCH_ORG = dict(name="ООО «Нагрузочный тест»", unp="192876513", contact_email="bench@example.com",
                 legal_address="220004, г. Минск, пр-т Победителей, д. 7А, офис 12",
                 bank_details=BANK.format(iban="BY52PJCB30120000000009900100"), contract_number="К-2024/0001")


def insert_organization(session: Session, spec: dict, *, contract_date: dt.date) -> int:
    return insert_one(session, Organization, dict(spec, contract_date=contract_date))


def insert_account(session: Session, organization_id: int, number: str, kind: str, *, opened_on: dt.date,
                   emails: list[str], invoice_format: str = "pdf") -> Account:
    """An active account paid by bank transfer, invoices e-mailed; its balance is set by bill_account."""
    account_id = insert_one(session, PersonalAccount, dict(
        organization_id=organization_id, number=number, kind=kind, status="active", opened_on=opened_on,
        payment_form="Безналичный расчет", delivery_method="email", delivery_emails=emails,
        invoice_format=invoice_format, balance=Decimal("0.00"),
    ))
    return Account(account_id, number)
