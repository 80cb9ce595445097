"""The append-only audit trail: who did what to which case, when, with which data.

Each event is a link of a hash chain (one chain per case, one for events without a
case): `hash` covers the event's content and the previous event's hash, and `seq`
numbers the chain's links. The unique (chain, seq) constraint makes two transactions
that appended to the same chain at once fail rather than fork it. See
app/services/audit_trail/audit_chain.py for exactly what is hashed."""
from datetime import datetime

from sqlalchemy import JSON, ForeignKey, Index, Integer, String, Text, UniqueConstraint, event
from sqlalchemy.orm import Mapped, mapped_column

from app.extensions import Model
from app.models.types import UTCDateTime, utcnow


class AuditEvent(Model):
    __tablename__ = "audit_events"
    __table_args__ = (
        Index("ix_audit_events_case_id_id", "case_id", "id"),
        # The semester report reads one semester's completions and deadline events of each
        # kind; without it, every report scans the whole trail.
        Index("ix_audit_events_action_occurred_at", "action", "occurred_at"),
        UniqueConstraint("chain", "seq", name="uq_audit_events_chain_seq"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    case_id: Mapped[int | None] = mapped_column(ForeignKey("cases.id"))
    occurred_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    # A username, or "sistem" for the engine and timers, or "pengadu" for the public.
    actor: Mapped[str] = mapped_column(String(100))
    # What happened, e.g. "case.started", "task.completed", "decision.evaluated".
    action: Mapped[str] = mapped_column(String(50))
    engine_task_id: Mapped[str | None] = mapped_column(String(36))
    element_id: Mapped[str | None] = mapped_column(String(100))
    lane: Mapped[str | None] = mapped_column(String(100))
    data_before: Mapped[dict | None] = mapped_column(JSON)
    data_after: Mapped[dict | None] = mapped_column(JSON)
    detail: Mapped[str | None] = mapped_column(Text)
    # "case:<id>", or "global" for events without a case; 1, 2, 3 ... within it.
    chain: Mapped[str] = mapped_column(String(32))
    seq: Mapped[int] = mapped_column(Integer)
    prev_hash: Mapped[str | None] = mapped_column(String(64))
    hash: Mapped[str] = mapped_column(String(64))


@event.listens_for(AuditEvent, "before_update")
@event.listens_for(AuditEvent, "before_delete")
def _refuse_change(mapper, connection, target):
    raise PermissionError("audit events are append-only")
