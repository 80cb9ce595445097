"""Typed SQLAlchemy models, one module per aggregate. The schema itself is created only
by the Alembic migrations in migrations/."""
from app.models.accounts import CalendarRevision, Holiday, Organisation, OrgUnit, Role, User, user_roles
from app.models.audit import AuditEvent
from app.models.audit_seal import AuditSeal
from app.models.case import Case, TaskIndexEntry, TimerIndexEntry
from app.models.complaint import CaseRecord, CaseUnit, Complaint, Document
from app.models.delegation import Delegation
from app.models.notification import Notification, RateLimitCounter
from app.models.process import ProcessDefinition, ProcessVersion
from app.models.report import PeriodicReport

__all__ = [
    "AuditEvent",
    "AuditSeal",
    "Case",
    "CaseRecord",
    "CaseUnit",
    "Complaint",
    "Delegation",
    "Document",
    "CalendarRevision",
    "Holiday",
    "Notification",
    "OrgUnit",
    "PeriodicReport",
    "Organisation",
    "RateLimitCounter",
    "Role",
    "User",
    "user_roles",
    "ProcessDefinition",
    "ProcessVersion",
    "TaskIndexEntry",
    "TimerIndexEntry",
]
