"""What a staff page costs in SQL statements: each question a request asks (the user's
delegations, the deployed processes, the organisations a user heads, a tab's count) is
read once, and a page costs the same however many rows it shows.

Measured from an empty session, as a request starts, when this was written: the inbox
page 12 statements (25 before: the user's delegations read 4 times, the organisations 4,
the deployed processes 3 and each one's definition once more, every tab counted
separately), the API inbox 7 (8), the case page 14 (14). Each page reads the delegations twice:
once for the Plt. edges due now (app/delegations/routes.py), once for whom the user acts
for."""
import re
from datetime import datetime, timedelta, timezone

from app.extensions import db
from app.services.casework.cases import complete_task
from app.services.organisation.delegations import active_delegations, create_delegation
from tests.helpers.complaints import current_task_id, file_complaint
from tests.helpers.identity_helpers import bearer
from tests.helpers.statements import statements

API = "/api/v1"
VERIFIED = {"lengkap": True, "lokasi_kasus": "Jakarta"}


def _cost(client, path: str, headers: dict | None = None) -> list[str]:
    client.get(path, headers=headers or {})  # calendars and specs cached, as for any later request
    db.session.remove()  # a request starts from an empty session: nothing of the test's is reused
    with statements() as sent:
        assert client.get(path, headers=headers or {}).status_code == 200
    return sent


def _repeated(sent: list[str], table: str) -> int:
    """How many of the statements read `table` first (their first FROM)."""
    return sum(1 for s in sent if (found := re.search(r"\bFROM (\w+)", s)) and found.group(1) == table)


def test_the_inbox_page_reads_each_thing_once_and_stays_under_its_ceiling(client, staff, auth):
    auth.login("admin")
    for i in range(3):
        file_complaint(judul=f"Pengaduan {i}")
    few = _cost(client, "/tugas")
    for i in range(3, 15):
        file_complaint(judul=f"Pengaduan {i}")
    many = _cost(client, "/tugas")
    assert len(many) == len(few), (few, many)
    assert len(many) <= 12, many
    assert _repeated(many, "delegations") <= 2
    # The newest version of every process (lanes, start buttons) and of the user's own
    # organisation's (who heads it); never one more per process for its definition.
    assert _repeated(many, "process_versions") <= 2 and _repeated(many, "process_definitions") == 0
    assert _repeated(many, "organisations") <= 3  # who heads what, who runs what, the menu's intake


def test_the_api_inbox_reads_each_thing_once_and_stays_under_its_ceiling(client, staff):
    token = bearer(client, "admin")
    for i in range(3):
        file_complaint(judul=f"Pengaduan {i}")
    few = _cost(client, f"{API}/tasks", token)
    for i in range(3, 15):
        file_complaint(judul=f"Pengaduan {i}")
    many = _cost(client, f"{API}/tasks", token)
    assert len(many) == len(few), (few, many)
    assert len(many) <= 7, many
    assert _repeated(many, "delegations") <= 2 and _repeated(many, "complaints") <= 1


def test_the_case_page_costs_the_same_however_long_the_case_history(client, staff, auth):
    auth.login("admin")
    case = file_complaint()
    young = _cost(client, f"/kasus/{case.id}")
    complete_task(task_id=current_task_id(case.id), data=VERIFIED, actor="admin")  # events, a record, new tasks
    db.session.remove()
    older = _cost(client, f"/kasus/{case.id}")
    assert len(older) == len(young), (young, older)
    assert len(older) <= 14, older
    assert _repeated(older, "delegations") <= 2


def test_a_delegation_named_in_a_transaction_is_seen_by_its_next_question(client, staff, auth):
    """The per-transaction memo never outlives a write: the Plt.'s delegations read
    (and remembered) before a delegation is made are read again after it, and the
    next request lists the absent colleague's task."""
    case = file_complaint()
    task_id = current_task_id(case.id)
    auth.login("kepala")
    assert f"/tugas/{task_id}" not in client.get("/tugas").get_data(as_text=True)
    kepala = staff["kepala"]
    assert active_delegations(kepala) == []  # now remembered for this transaction
    now = datetime.now(timezone.utc)
    create_delegation(absent="admin", acting="kepala", starts_at=now - timedelta(minutes=1),
                      ends_at=now + timedelta(days=1), reason="cuti", actor=None)
    assert [d.from_user.username for d in active_delegations(kepala)] == ["admin"]
    assert f"/tugas/{task_id}" in client.get("/tugas").get_data(as_text=True)
