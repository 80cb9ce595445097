"""The inbox lists from the task index: paginated, soonest due first, filterable."""
import re
from datetime import datetime, timedelta, timezone
from html import unescape as html_unescape

from app.extensions import db
from app.models import TaskIndexEntry
from app.services.worklist.inbox import inbox
from tests.helpers.complaints import file_complaint, task_links


def next_link(html: str) -> str:
    return html_unescape(re.search(r'href="([^"]+)" rel="next"', html).group(1))


def test_inbox_pages_and_sorts_by_due_time(client, staff, auth):
    cases = [file_complaint(judul=f"Pengaduan {i}") for i in range(23)]
    entries = {e.case_id: e for e in db.session.scalars(db.select(TaskIndexEntry))}
    soon = datetime.now(timezone.utc) + timedelta(days=1)
    entries[cases[-1].id].due_at = soon  # the newest complaint is the most urgent
    entries[cases[5].id].due_at = soon + timedelta(days=2)
    db.session.commit()

    auth.login("admin")
    first = client.get("/tugas").get_data(as_text=True)
    links = task_links(first)
    assert len(links) == 20
    assert links[:2] == [entries[cases[-1].id].engine_task_id, entries[cases[5].id].engine_task_id]
    assert "23 tugas" in first
    second_page = client.get(next_link(first)).get_data(as_text=True)
    second = task_links(second_page)
    assert len(second) == 3 and not set(second) & set(links)
    assert 'rel="next"' not in second_page and "halaman pertama" in second_page


def test_overdue_and_process_filters(client, staff, auth):
    late = file_complaint(judul="Terlambat")
    file_complaint(judul="Tepat waktu")
    entry = db.session.scalars(db.select(TaskIndexEntry).where(TaskIndexEntry.case_id == late.id)).one()
    entry.due_at = datetime.now(timezone.utc) - timedelta(hours=1)
    db.session.commit()

    auth.login("admin")
    overdue = client.get("/tugas?terlambat=1").get_data(as_text=True)
    assert task_links(overdue) == [entry.engine_task_id]
    assert len(task_links(client.get("/tugas?proses=sop_000").get_data(as_text=True))) == 2
    assert task_links(client.get("/tugas?proses=sop_lain").get_data(as_text=True)) == []


def test_a_unit_member_sees_tasks_of_their_unit_only(staff):
    page = inbox(user=staff["unit.akreditasi"])
    assert page.total == 0 and page.entries == [] and page.next_cursor is None
