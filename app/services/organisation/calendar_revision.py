"""The calendar revision: a counter raised by every change to what a working-day
calendar is built from (holidays, an organisation's zone or week, its "days" setting).

Processes cache calendars tagged with the revision they were built from
(app/services/organisation/calendar.py); the services that change an input raise it here, inside their
own transaction, without importing the calendar itself."""
from typing import Any, cast

from sqlalchemy import CursorResult, update

from app.extensions import db
from app.models import CalendarRevision
from app.models.types import utcnow

# The revision is read once per transaction (a request, a timer fire): a change made in
# any process is seen by the next transaction of every other one.
_CHECKED = "dumas.calendar_revision"


def current_revision() -> int:
    session = db.session()
    checked = session.info.get(_CHECKED)
    transaction = session.get_transaction()
    if checked is not None and transaction is not None and checked[0] is transaction:
        return checked[1]
    version = session.scalar(db.select(CalendarRevision.version).where(CalendarRevision.id == 1)) or 0
    session.info[_CHECKED] = (session.get_transaction(), version)
    return version


def revision_column() -> Any:
    """The calendar revision as a scalar subquery, for a use case that reads it in the
    same statement as its own first read (then hands it to `remember_revision`)."""
    return db.select(CalendarRevision.version).where(CalendarRevision.id == 1).scalar_subquery()


def remember_revision(version: int | None) -> None:
    """The revision this transaction read (with `revision_column`): no statement of its own."""
    session = db.session()
    session.info[_CHECKED] = (session.get_transaction(), version or 0)


def calendar_changed() -> None:
    """Raises the revision inside the change's transaction, so no process can see the
    change without the new revision."""
    raised = cast(CursorResult[Any], db.session.execute(
        update(CalendarRevision).where(CalendarRevision.id == 1)
        .values(version=CalendarRevision.version + 1, updated_at=utcnow())))
    if raised.rowcount == 0:
        db.session.add(CalendarRevision(id=1, version=1, updated_at=utcnow()))
