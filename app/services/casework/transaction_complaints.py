"""A case's complaint as the listeners that write beside a use case see it (the outbox
and the search index, both just before the commit): looked up at most once per
transaction, and not at all when the complaint was added in it, as at every filing."""
from sqlalchemy import event, select
from sqlalchemy.orm import Session

from app.models import Complaint

_FOUND = "dumas_complaints_by_case"


def complaint_in_transaction(session: Session, case_id: int) -> Complaint | None:
    found = session.info.setdefault(_FOUND, {})
    if case_id in found and (found[case_id] is None or found[case_id] in session):
        return found[case_id]
    complaint = session.scalars(select(Complaint).where(Complaint.case_id == case_id)).first()
    found[case_id] = complaint
    return complaint


def remember_complaint(session: Session, case_id: int, complaint: Complaint | None) -> None:
    """The case's complaint (or None: it has none) as a use case already read it in this
    transaction, so the listeners do not read it again."""
    session.info.setdefault(_FOUND, {})[case_id] = complaint


def _note_added(session: Session, _context, _instances) -> None:
    added = [obj for obj in session.new if isinstance(obj, Complaint)]
    if added:
        session.info.setdefault(_FOUND, {}).update((obj.case_id, obj) for obj in added)


def _forget(session: Session, *args) -> None:
    session.info.pop(_FOUND, None)  # the next transaction may see other rows


def install() -> None:
    """Listen to every session of the process (idempotent)."""
    for name, handler in (("before_flush", _note_added), ("after_commit", _forget),
                          ("after_rollback", _forget), ("after_soft_rollback", _forget)):
        if not event.contains(Session, name, handler):
            event.listen(Session, name, handler)
