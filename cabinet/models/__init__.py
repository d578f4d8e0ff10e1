"""SQLModel tables, one module per aggregate. Importing this package registers every table."""

from cabinet.models.audit import AuditEvent
from cabinet.models.base import AccountKind, Role
from cabinet.models.catalogue import ChannelPackage, Service, ServiceConflict, Tariff, TariffService
from cabinet.models.finance import CallRecord, ChargeLine, GuaranteePayment, Invoice, Payment
from cabinet.models.organization import Organization, PersonalAccount
from cabinet.models.outbox import OutboxAttachment, OutboxEmail
from cabinet.models.request import ItemStatus, Request, RequestItem, RequestKind, RequestStatus
from cabinet.models.subscriber import (
    CallForwarding,
    NumberDraw,
    NumberPool,
    PoolState,
    SimCard,
    SimState,
    Subscriber,
    SubscriberService,
    SubscriberStatus,
)
from cabinet.models.upload import UploadedList, UploadedListItem
from cabinet.models.user import AbuseCounter, OneTimeCode, SignInThrottle, User, UserAccount, UserSession

__all__ = [
    "AbuseCounter", "AccountKind", "AuditEvent", "CallForwarding", "CallRecord", "ChannelPackage", "ChargeLine",
    "GuaranteePayment", "Invoice", "ItemStatus", "NumberDraw", "NumberPool", "OneTimeCode", "Organization",
    "OutboxAttachment", "OutboxEmail", "Payment", "PersonalAccount", "PoolState", "Request", "RequestItem",
    "RequestKind", "RequestStatus", "Role", "Service", "ServiceConflict", "SignInThrottle", "SimCard", "SimState", "Subscriber",
    "SubscriberService", "SubscriberStatus", "Tariff", "TariffService", "UploadedList", "UploadedListItem", "User",
    "UserAccount", "UserSession",
]
