"""A head assigns tasks to a colleague: 50 at once, all or nothing, the assignee sees
them in "Untuk saya" and gets one e-mail, and the case timeline and printed file say
who gave what to whom and why."""
import re

import pytest

from app.extensions import db
from app.models import AuditEvent, Case, Notification, TaskIndexEntry, User
from app.services.administration.demo import DEMO_PASSWORD
from app.services.casefile.case_pdf import render_case_pdf
from app.services.casework.cases import claim_task
from app.services.organisation.accounts import create_user
from tests.helpers.api import API, bearer, in_english
from tests.helpers.complaints import current_task_id, file_complaint, task_links
from tests.helpers.pdf import pdf_text

REASON = "Budi cuti sampai Senin"


def _sari() -> User:
    sari = create_user(username="sari", password=DEMO_PASSWORD, roles=["Admin Inspektorat"], full_name="Sari Dewi",
                       organisation_code="bsn")
    sari.email = "sari@bsn.example.id"
    db.session.commit()
    return sari


def _holders(task_ids: list[str]) -> set:
    db.session.expire_all()
    return set(db.session.scalars(db.select(TaskIndexEntry.claimed_by)
                                  .where(TaskIndexEntry.engine_task_id.in_(task_ids))))


def test_a_head_assigns_fifty_tasks_in_one_request(client, staff, auth):
    _sari()
    cases = [file_complaint(judul=f"Pengaduan {i}") for i in range(50)]
    task_ids = [current_task_id(c.id) for c in cases]
    claim_task(task_id=task_ids[0], actor="admin")  # one is reassigned from whoever held it

    auth.login("kepala")
    response = client.post("/tugas/tugaskan", data={"tugas": task_ids, "penerima": "sari", "alasan": REASON},
                           follow_redirects=True)
    assert "50 tugas ditugaskan kepada sari." in response.get_data(as_text=True)
    assert _holders(task_ids) == {"sari"}
    assert db.session.scalar(db.select(db.func.count()).where(AuditEvent.action == "task.assigned")) == 50
    auth.logout()

    # The assignee finds them under "Untuk saya" and was told once, with every case.
    auth.login("sari")
    mine = client.get("/tugas?tab=saya").get_data(as_text=True)
    assert re.search(r'data-tab="saya"[^>]*>[^<]*<span class="badge">50</span>', mine)
    assert len(task_links(mine)) == 20 and "50 tugas" in mine and 'rel="next"' in mine
    [notice] = db.session.scalars(db.select(Notification).where(Notification.kind == "task_assigned")).all()
    assert notice.recipient == "sari@bsn.example.id" and notice.status == "queued"
    assert "50 tugas ditugaskan kepada Anda" in notice.subject
    assert all(c.tracking_number in notice.body for c in cases) and REASON in notice.body

    # The case timeline, in words.
    page = client.get(f"/kasus/{cases[0].id}").get_data(as_text=True)
    assert ("kepada Sari Dewi (sari) oleh kepala, sebelumnya dipegang admin · alasan: " + REASON) in page
    auth.logout()
    auth.login("admin")
    assert task_links(client.get("/tugas?tab=saya").get_data(as_text=True)) == []


def test_nothing_changes_when_one_task_is_not_allowed(client, every_staff, auth):
    _sari()
    cases = [file_complaint(judul=f"Pengaduan {i}") for i in range(49)]
    katingan = file_complaint(judul="Di Katingan", instansi="katingan")
    task_ids = [current_task_id(c.id) for c in cases]
    foreign = current_task_id(katingan.id)

    auth.login("kepala")
    refused = client.post("/tugas/tugaskan", data={"tugas": [*task_ids, foreign], "penerima": "sari",
                                                   "alasan": REASON}, follow_redirects=True).get_data(as_text=True)
    assert f"Tugas {foreign} tidak ditemukan atau bukan wewenang Anda; tidak ada yang diubah." in refused
    assert _holders(task_ids + [foreign]) == {None}

    # A colleague who does not hold the lane's role cannot be given the task.
    wrong = client.post("/tugas/tugaskan", data={"tugas": task_ids, "penerima": "tatausaha", "alasan": REASON},
                        follow_redirects=True).get_data(as_text=True)
    first = db.session.get(Case, cases[0].id)
    assert (f"pada {first.tracking_number} tidak dapat diberikan kepada tatausaha: ia tidak memegang peran "
            "lajur Admin Inspektorat") in wrong
    no_reason = client.post("/tugas/tugaskan", data={"tugas": task_ids, "penerima": "sari", "alasan": " "},
                            follow_redirects=True).get_data(as_text=True)
    assert "Alasan penugasan wajib diisi." in no_reason
    assert _holders(task_ids) == {None}
    assert db.session.scalar(db.select(db.func.count()).where(AuditEvent.action == "task.assigned")) == 0
    assert db.session.scalar(db.select(db.func.count()).select_from(Notification)
                             .where(Notification.kind == "task_assigned")) == 0
    auth.logout()

    # Someone who heads nobody assigns nothing, and learns nothing about the tasks.
    auth.login("admin")
    answer = client.post("/tugas/tugaskan", data={"tugas": task_ids[:1], "penerima": "sari", "alasan": REASON},
                         follow_redirects=True).get_data(as_text=True)
    assert f"Tugas {task_ids[0]} tidak ditemukan atau bukan wewenang Anda" in answer
    assert _holders(task_ids[:1]) == {None}


@pytest.mark.pdf
def test_assigning_through_the_api_and_the_printed_case_file(client, staff, app):
    _sari()
    cases = [file_complaint(judul=f"Pengaduan {i}") for i in range(3)]
    task_ids = [current_task_id(c.id) for c in cases]

    denied = client.post(f"{API}/tasks/assign", headers=bearer(client, "admin"),
                         json={"task_ids": task_ids, "assignee": "sari", "reason": REASON})
    assert denied.status_code == 422 and task_ids[0] in denied.json["message"]
    bad = client.post(f"{API}/tasks/assign", headers=bearer(client, "kepala"),
                      json={"task_ids": "semua", "assignee": "sari", "reason": REASON})
    assert bad.status_code == 400

    done = client.post(f"{API}/tasks/assign", headers=bearer(client, "kepala"),
                       json={"task_ids": task_ids, "assignee": "sari", "reason": REASON})
    assert done.status_code == 200
    assert [item["claimed_by"] for item in done.json["items"]] == ["sari"] * 3
    mine = client.get(f"{API}/tasks?tab=saya", headers=bearer(client, "sari")).json
    assert sorted(item["id"] for item in mine["items"]) == sorted(task_ids) and mine["total"] == 3
    assert "/tasks/assign" in client.get(f"{API}/openapi.json").json["paths"]

    events = in_english(client.get, f"{API}/cases/{cases[1].id}/events", headers=bearer(client, "kepala")).json["items"]
    [assigned] = [e for e in events if e["action"] == "task.assigned"]
    assert assigned["actor"] == "kepala" and assigned["data_after"]["assignee"] == "sari"
    assert "Assigned:" in assigned["text"] and "to Sari Dewi (sari) by kepala" in assigned["text"]

    kepala = db.session.scalars(db.select(User).where(User.username == "kepala")).one()
    text = pdf_text(render_case_pdf(case=db.session.get(Case, cases[1].id), viewer=kepala)).replace("\n", " ")
    assert "kepada Sari Dewi (sari) oleh kepala" in text and REASON in text


def test_the_heads_of_an_organisation_are_a_setting(client, staff, runner, auth):
    cases = [file_complaint(judul="Satu")]
    result = runner.invoke(args=["organisations", "heads", "--org", "bsn"])
    assert "Kepala Inspektorat" in result.output and "bawaan" in result.output
    result = runner.invoke(args=["organisations", "heads", "--org", "bsn", "--role", "Tata Usaha Inspektorat"])
    assert result.exit_code == 0 and "pengaturan" in result.output
    assert "Peran tidak dikenal: Bos" in runner.invoke(
        args=["organisations", "heads", "--org", "bsn", "--role", "Bos"]).output

    auth.login("tatausaha")  # now a head: sees the team tab and assigns
    assert 'data-tab="tim"' in client.get("/tugas").get_data(as_text=True)
    client.post("/tugas/tugaskan", data={"tugas": [current_task_id(cases[0].id)], "penerima": "admin",
                                         "alasan": REASON})
    assert _holders([current_task_id(cases[0].id)]) == {"admin"}
    auth.logout()
    auth.login("kepala")  # no longer one
    assert 'data-tab="tim"' not in client.get("/tugas").get_data(as_text=True)
    runner.invoke(args=["organisations", "heads", "--org", "bsn", "--default"])
    assert 'data-tab="tim"' in client.get("/tugas").get_data(as_text=True)
