"""The inbox: ready tasks a user may work on, read from the task index only."""
from dataclasses import dataclass
from datetime import datetime, timezone

from app.extensions import db
from app.models import Case, Complaint, ProcessDefinition, ProcessVersion, TaskIndexEntry, User
from app.services.access import workable_clause
from app.services.case_files import complaints_by_case

PER_PAGE = 20


@dataclass(frozen=True)
class InboxPage:
    entries: list[TaskIndexEntry]
    # The complaint behind each case on the page, so the page can mask a hidden identity.
    complaints: dict[int, Complaint]
    page: int
    pages: int
    total: int


def inbox(
    *, user: User, process_key: str | None = None, overdue_only: bool = False, page: int = 1, per_page: int = PER_PAGE
) -> InboxPage:
    """Tasks of the user's roles (and unit), soonest due first, then oldest."""
    now = datetime.now(timezone.utc)
    query = (
        db.select(TaskIndexEntry)
        .join(Case, TaskIndexEntry.case_id == Case.id)
        .where(workable_clause(user))  # own lanes, and those of whom the user is Plt. for
    )
    if user.organisation_code is not None:
        query = query.where(Case.organisation_code == user.organisation_code)
    if process_key:
        query = (
            query.join(ProcessVersion, Case.process_version_id == ProcessVersion.id)
            .join(ProcessDefinition, ProcessVersion.definition_id == ProcessDefinition.id)
            .where(ProcessDefinition.key == process_key)
        )
    if overdue_only:
        query = query.where(TaskIndexEntry.due_at.is_not(None), TaskIndexEntry.due_at < now)
    total = db.session.scalar(db.select(db.func.count()).select_from(query.subquery()))
    pages = max(1, -(-total // per_page))
    page = min(max(1, page), pages)
    entries = db.session.scalars(
        query.order_by(TaskIndexEntry.due_at.is_(None), TaskIndexEntry.due_at, TaskIndexEntry.created_at, TaskIndexEntry.id)
        .offset((page - 1) * per_page)
        .limit(per_page)
    ).all()
    complaints = complaints_by_case({entry.case_id for entry in entries})
    return InboxPage(entries=list(entries), complaints=complaints, page=page, pages=pages, total=total)
