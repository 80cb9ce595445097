"""Typed SQLAlchemy models, one module per aggregate. The schema itself is created only
by the Alembic migrations in migrations/."""
from app.models.accounts import (
    CalendarRevision,
    Holiday,
    Organisation,
    OrgUnit,
    PasswordResetToken,
    Role,
    User,
    user_roles,
)
from app.models.audit import AuditEvent
from app.models.audit_seal import AuditSeal
from app.models.case import Case, TaskIndexEntry, TimerIndexEntry
from app.models.complaint import CaseRecord, CaseUnit, Complaint, Document
from app.models.delegation import Delegation
from app.models.inbound_mail import InboundMail
from app.models.notification import Notification, RateLimitCounter
from app.models.process import ProcessDefinition, ProcessVersion
from app.models.report import PeriodicReport, ReportJob
from app.models.saved_filter import SavedFilter
from app.models.search import CaseIdentitySearch, CaseSearchText
from app.models.status import CaseStatus

__all__ = [
    "PasswordResetToken",
    "AuditEvent",
    "AuditSeal",
    "Case",
    "CaseIdentitySearch",
    "CaseRecord",
    "CaseSearchText",
    "CaseStatus",
    "CaseUnit",
    "Complaint",
    "Delegation",
    "Document",
    "CalendarRevision",
    "Holiday",
    "InboundMail",
    "Notification",
    "OrgUnit",
    "PeriodicReport",
    "ReportJob",
    "Organisation",
    "RateLimitCounter",
    "Role",
    "SavedFilter",
    "User",
    "user_roles",
    "ProcessDefinition",
    "ProcessVersion",
    "TaskIndexEntry",
    "TimerIndexEntry",
]
