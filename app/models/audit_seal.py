"""Seals of the audit chains: the chains' heads (last seq and hash) and the number of
cases, signed with a key that is not in the database (app/services/audit_trail/audit_seals.py).

A seal pins how far each chain had grown, so `audit verify` can tell a chain that was
shortened, removed or rewritten and re-hashed from one that is intact. Like the events,
seals are append-only: the ORM refuses changes and, on PostgreSQL, triggers refuse
UPDATE, DELETE and TRUNCATE; the application's database role may only INSERT and SELECT."""
from datetime import datetime

from sqlalchemy import Integer, String, Text, event
from sqlalchemy.orm import Mapped, mapped_column

from app.extensions import Model
from app.models.types import UTCDateTime


class AuditSeal(Model):
    __tablename__ = "audit_seals"

    id: Mapped[int] = mapped_column(primary_key=True)
    sealed_at: Mapped[datetime] = mapped_column(UTCDateTime, index=True)
    # "berkala" (the periodic seal) or "cetak" (sealed when a case file was printed).
    reason: Mapped[str] = mapped_column(String(20))
    # The number of chains in `content`, for listing seals without parsing them.
    chains: Mapped[int] = mapped_column(Integer)
    # The signed text itself (canonical JSON), kept byte for byte so the signature can be
    # checked without re-serialising anything.
    content: Mapped[str] = mapped_column(Text)
    # HMAC-SHA-256 (hex) of `content` with DUMAS_AUDIT_SEAL_KEY.
    signature: Mapped[str] = mapped_column(String(64), unique=True)


@event.listens_for(AuditSeal, "before_update")
@event.listens_for(AuditSeal, "before_delete")
def _refuse_change(mapper, connection, target):
    raise PermissionError("audit seals are append-only")
