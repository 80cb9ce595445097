"""Firing due timers: each due timer fires exactly once, whoever sweeps.

The sweep reads only due rows of the timer index. Firing one case is one transaction
that first takes that case's timer row: on PostgreSQL with FOR UPDATE SKIP LOCKED, so a
second sweeper passes over a case being fired instead of waiting for it; on SQLite with a
no-op UPDATE of the due row, which takes the database's single write lock before anything
is read, so the second sweeper waits and then finds the row gone. Either way the case's optimistic lock refuses a
second write of the same state, and a crash mid-fire commits nothing, so the row is still
due at the next sweep.
"""
from datetime import datetime, timezone
from typing import cast

from sqlalchemy import CursorResult

from app.engine import EngineError
from app.extensions import db
from app.models import Case, TimerIndexEntry
from app.services.audit_trail.audit import SYSTEM_ACTOR, record_event
from app.services.casework.case_errors import ConflictError, WorkflowFailed
from app.services.casework.cases import record_failure, refusing_stale_writes
from app.services.casework.deadline_policy import send_due_reminders
from app.services.casework.workflow_state import load_instance, save_instance


def due_case_ids(*, now: datetime | None = None, limit: int = 1000) -> list[int]:
    now = now or datetime.now(timezone.utc)
    ids = list(
        db.session.scalars(
            db.select(TimerIndexEntry.case_id)
            .where(TimerIndexEntry.due_at <= now)
            .order_by(TimerIndexEntry.due_at)
            .limit(limit)
        )
    )
    db.session.rollback()  # end the read; each case is fired in its own transaction
    return ids


def fire_due_timers(*, now: datetime | None = None, limit: int = 1000) -> int:
    """Fire every due case (the embedded sweeper and tests); returns how many fired."""
    return sum(fire_case_timers(case_id=case_id, now=now) for case_id in due_case_ids(now=now, limit=limit))


def fire_case_timers(*, case_id: int, now: datetime | None = None) -> bool:
    """Fire one case's due timers if nobody else is; True when it fired."""
    now = now or datetime.now(timezone.utc)
    try:
        return _fire(case_id, now)
    except (ConflictError, WorkflowFailed):
        return False


def _fire(case_id: int, now: datetime) -> bool:
    due_row = (TimerIndexEntry.case_id == case_id, TimerIndexEntry.due_at <= now)
    claim = db.select(TimerIndexEntry).where(*due_row)
    if db.engine.dialect.name == "postgresql":
        claim = claim.with_for_update(skip_locked=True)
    else:
        # SQLite reads outside a transaction: without taking the write lock first, a
        # sweeper could read the row, wait while another fires the case, then record a
        # second firing of a timer that is no longer there.
        taken = cast(CursorResult, db.session.execute(
            db.update(TimerIndexEntry).where(*due_row).values(due_at=TimerIndexEntry.due_at)
            .execution_options(synchronize_session=False)))
        if taken.rowcount == 0:
            db.session.rollback()
            return False
    entry = db.session.scalars(claim).first()
    if entry is None:  # fired already, moved, or another sweeper holds it
        db.session.rollback()
        return False
    case = db.session.get_one(Case, case_id)
    # The deadline policy's reminders share the index with the engine's timers.
    reminded = send_due_reminders(case, now=now)
    instance = load_instance(case)
    due = instance.next_timer()
    if due is None or due.due_at > now:  # only reminders, or the index was behind: correct it
        with refusing_stale_writes():
            save_instance(case, instance, steps=[])
            db.session.commit()
        return reminded > 0
    try:
        steps = instance.fire_timers()
    except EngineError as exc:
        db.session.rollback()
        record_failure(case_id, exc, actor=SYSTEM_ACTOR)
        raise WorkflowFailed(str(exc)) from exc
    with refusing_stale_writes():
        record_event(
            case=case, action="timer.fired", actor=SYSTEM_ACTOR,
            element_id=due.element_id if due else entry.element_id,
            data_after={"due_at": (due.due_at if due else entry.due_at).isoformat(),
                        "fired_at": datetime.now(timezone.utc).isoformat()},
        )
        save_instance(case, instance, steps=steps)
        db.session.commit()
    return True
