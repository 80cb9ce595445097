"""The inbox does not grow with the caseload: the task index carries what it filters on,
pages are keyset, and a page costs the same number of statements whatever its length."""
from datetime import datetime, timedelta, timezone

from app.extensions import db
from app.models import Case, TaskIndexEntry
from app.services.casework.cases import start_case
from app.services.worklist.inbox import inbox
from tests.helpers.complaints import file_complaint, task_links
from tests.helpers.identity_helpers import bearer
from tests.helpers.statements import statements

API = "/api/v1"


def test_the_index_row_carries_the_case_organisation_process_and_next_deadline(staff):
    case = file_complaint()
    [entry] = db.session.scalars(db.select(TaskIndexEntry).where(TaskIndexEntry.case_id == case.id)).all()
    assert (entry.organisation_code, entry.process_key) == (case.organisation_code, "sop_000")
    assert case.organisation_code is not None
    assert db.session.get(Case, case.id).next_due_at == entry.due_at


def test_counting_and_filtering_never_join_the_cases(staff):
    file_complaint()
    with statements() as sent:
        page = inbox(user=staff["admin"], process_key="sop_000", overdue_only=False)
    assert page.total == 1
    counts = [s for s in sent if "count(" in s.lower()]
    assert counts and not any("cases" in s for s in counts)


def test_a_page_costs_the_same_statements_for_three_rows_as_for_twenty(client, staff, auth):
    admin_token = bearer(client, "admin")
    auth.login("admin")

    def cost() -> tuple[int, int]:
        client.get("/tugas")  # calendars and the session warmed as for any later request
        with statements() as html:
            assert client.get("/tugas").status_code == 200
        with statements() as api:
            assert client.get(f"{API}/tasks", headers=admin_token).status_code == 200
        return len(html), len(api)

    for i in range(3):
        file_complaint(judul=f"Pengaduan {i}")
    few = cost()
    for i in range(3, 18):
        file_complaint(judul=f"Pengaduan {i}")
    for i in range(5):  # cases staff start themselves have no complaint to read either
        start_case(process_key="sop_000", data={}, title=f"Dimulai staf {i}", actor="admin")
    many = cost()
    assert len(task_links(client.get("/tugas").get_data(as_text=True))) == 20
    assert many == few, (few, many)


def test_keyset_pages_walk_every_task_once_deadlines_first_then_those_without(staff):
    cases = [file_complaint(judul=f"Pengaduan {i}") for i in range(7)]
    entries = {e.case_id: e for e in db.session.scalars(db.select(TaskIndexEntry))}
    base = datetime.now(timezone.utc) + timedelta(days=3)
    # Two share a deadline (the older first), three have none (oldest first, after all others).
    dues = [base + timedelta(hours=5), None, base, None, base, base - timedelta(hours=1), None]
    for case, due in zip(cases, dues, strict=True):
        entries[case.id].due_at = due
    db.session.commit()
    expected = [entries[cases[i].id].engine_task_id for i in (5, 2, 4, 0, 1, 3, 6)]

    seen, cursor = [], None
    while True:
        page = inbox(user=staff["admin"], cursor=cursor, per_page=2)
        seen += [entry.engine_task_id for entry in page.entries]
        assert page.total == 7
        if page.next_cursor is None:
            break
        cursor = page.next_cursor
    assert seen == expected


def test_the_api_pages_by_cursor_and_refuses_one_it_did_not_make(client, staff):
    for i in range(23):
        file_complaint(judul=f"Pengaduan {i}")
    admin = bearer(client, "admin")
    first = client.get(f"{API}/tasks", headers=admin).json
    assert (len(first["items"]), first["total"], first["total_capped"]) == (20, 23, False)
    second = client.get(f"{API}/tasks", query_string={"cursor": first["next_cursor"]}, headers=admin).json
    assert len(second["items"]) == 3 and second["next_cursor"] is None
    assert not {i["id"] for i in first["items"]} & {i["id"] for i in second["items"]}
    assert all(item["process_key"] == "sop_000" for item in first["items"] + second["items"])
    refused = client.get(f"{API}/tasks?cursor=bm90LWEtY3Vyc29y&lang=en", headers=admin)
    assert refused.status_code == 400
    assert refused.json["message"] == "Invalid page marker; start again from the first page."
