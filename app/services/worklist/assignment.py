"""A head assigns (or reassigns) ready tasks to a named colleague, one or many at once.

All or nothing: every task must be one the head may assign (app/services/organisation/access.py
`can_assign`) and the colleague may hold (`may_hold_task`); if one is not, nothing
changes and the error names it. The assignee then holds each task (it is "claimed" by
them and shows in their "Untuk saya" tab), each task gets a `task.assigned` audit event
(who, to whom, from whom, why), and the assignee, if they have an e-mail address, gets
one message listing the tasks through the notification outbox. One transaction.
"""
from dataclasses import dataclass
from datetime import datetime, timezone
from typing import cast

from flask import current_app
from flask_babel import gettext as _
from sqlalchemy import CursorResult
from sqlalchemy.orm import joinedload

from app.extensions import db
from app.models import Notification, TaskIndexEntry, User
from app.services.audit_trail.audit import record_event
from app.services.casefile.email_render import render_email
from app.services.casefile.presentation import local_time
from app.services.organisation.access import can_assign, may_hold_task
from app.services.organisation.calendar import calendar_for
from app.services.organisation.supervision import headed_organisations

MAX_TASKS = 200
MAX_REASON = 500


class AssignmentError(ValueError):
    """Why nothing was assigned, in the reader's language, naming the task at fault."""


@dataclass(frozen=True)
class _Line:
    tracking_number: str
    title: str
    due_at: str


def _describe(entry: TaskIndexEntry) -> str:
    return _("“%(step)s” pada %(case)s", step=entry.title, case=entry.case.tracking_number or entry.case_id)


def assign_tasks(*, head: User, task_ids: list[str], assignee: str, reason: str) -> list[TaskIndexEntry]:
    """Give every task in `task_ids` to the user named `assignee`; commits, or raises
    AssignmentError with nothing changed."""
    ids, reason = _checked_request(task_ids, reason)
    person = _assignee(assignee)
    entries = _assignable_entries(ids, head=head, person=person)
    now = datetime.now(timezone.utc)
    changed = [entries[task_id] for task_id in ids
               if _reassign(entries[task_id], person=person, head=head, reason=reason, now=now)]
    if changed and person.email and person.email.strip():
        db.session.add(_notice(person, head=head, entries=changed, reason=reason))
    db.session.commit()
    for entry in changed:
        db.session.refresh(entry)
    return [entries[task_id] for task_id in ids]


def _checked_request(task_ids: list[str], reason: str) -> tuple[list[str], str]:
    """The distinct task ids, in their order, and the reason; AssignmentError if either is unusable."""
    reason = (reason or "").strip()
    ids = list(dict.fromkeys(t.strip() for t in task_ids if t and t.strip()))
    if not ids:
        raise AssignmentError(_("Pilih minimal satu tugas."))
    if len(ids) > MAX_TASKS:
        raise AssignmentError(_("Paling banyak %(n)s tugas sekaligus.", n=MAX_TASKS))
    if not reason:
        raise AssignmentError(_("Alasan penugasan wajib diisi."))
    if len(reason) > MAX_REASON:
        raise AssignmentError(_("Alasan paling banyak %(n)s karakter.", n=MAX_REASON))
    return ids, reason


def _assignee(assignee: str) -> User:
    person = db.session.scalars(db.select(User).where(User.username == (assignee or "").strip())).first()
    if person is None or not person.active:
        raise AssignmentError(_("Pengguna %(user)s tidak ditemukan atau tidak aktif.", user=assignee or "—"))
    return person


def _assignable_entries(ids: list[str], *, head: User, person: User) -> dict[str, TaskIndexEntry]:
    """The tasks by id, each one `head` may assign and `person` may hold; else AssignmentError."""
    entries = {
        entry.engine_task_id: entry
        for entry in db.session.scalars(
            db.select(TaskIndexEntry).where(TaskIndexEntry.engine_task_id.in_(ids))
            .options(joinedload(TaskIndexEntry.case))
        )
    }
    reach = set(headed_organisations(head))
    for task_id in ids:
        entry = entries.get(task_id)
        # A task outside the head's reach reads exactly like one that does not exist.
        if entry is None or not can_assign(head, entry, reach=reach):
            raise AssignmentError(_("Tugas %(id)s tidak ditemukan atau bukan wewenang Anda; tidak ada yang diubah.",
                                    id=task_id))
        if not may_hold_task(person, entry):
            raise AssignmentError(_("Tugas %(task)s tidak dapat diberikan kepada %(user)s: ia tidak memegang peran "
                                    "lajur %(lane)s di unit dan instansi tugas itu; tidak ada yang diubah.",
                                    task=_describe(entry), user=person.username, lane=entry.lane))
    return entries


def _reassign(entry: TaskIndexEntry, *, person: User, head: User, reason: str, now: datetime) -> bool:
    """Give one task to `person` (False: it is theirs already); AssignmentError, rolled
    back, if it changed hands since it was read."""
    previous = entry.claimed_by
    if previous == person.username:
        return False
    # Compare-and-set on the holder read above: a claim or a completion in between
    # makes the whole request fail rather than overwrite what someone just did.
    updated = cast(CursorResult, db.session.execute(
        db.update(TaskIndexEntry)
        .where(TaskIndexEntry.id == entry.id,
               TaskIndexEntry.claimed_by.is_(None) if previous is None else TaskIndexEntry.claimed_by == previous)
        .values(claimed_by=person.username, claimed_at=now)
        .execution_options(synchronize_session=False)
    )).rowcount
    if not updated:
        db.session.rollback()
        raise AssignmentError(_("Tugas %(task)s baru saja berubah (diambil atau diselesaikan orang lain); "
                                "tidak ada yang diubah. Muat ulang lalu coba lagi.", task=_describe(entry)))
    record_event(case=entry.case, action="task.assigned", actor=head.username, engine_task_id=entry.engine_task_id,
                 element_id=entry.element_id, lane=entry.lane, detail=entry.title,
                 data_before={"claimed_by": previous},
                 data_after={"assignee": person.username, "assignee_name": person.full_name or None,
                             "reason": reason})
    return True


def _notice(person: User, *, head: User, entries: list[TaskIndexEntry], reason: str) -> Notification:
    def line(entry: TaskIndexEntry) -> _Line:
        zone = calendar_for(entry.case.organisation_code).zone
        due = local_time(entry.due_at, zone=zone)  # with WIB/WITA/WIT, as every time people read
        return _Line(entry.case.tracking_number or "", entry.title, due)

    base_url = current_app.config.get("DUMAS_PUBLIC_URL", "")
    rendered = render_email("task_assigned", lang="id", name=person.full_name or person.username,
                            head=head.full_name or head.username, tasks=[line(e) for e in entries],
                            reason=reason, inbox_url=f"{base_url}/tugas?tab=saya" if base_url else "")
    # A message to staff, like the daily digest: on no case (the outbox page would
    # otherwise treat the colleague's address as the complainant's).
    return Notification(user_id=person.id, kind="task_assigned",
                        source_action="task.assigned", recipient=(person.email or "").strip(), language="id",
                        subject=rendered.subject, body=rendered.text, body_html=rendered.html)
