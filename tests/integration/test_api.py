"""The staff JSON API through the Flask test client: tokens, the inbox, tasks, cases, and
SOP 000 walked to `selesai` by four people, on both databases."""
from datetime import datetime, timedelta, timezone

import pytest

from app.extensions import db
from app.models import TaskIndexEntry, User
from app.services.administration.demo import DEMO_PASSWORD
from app.services.casework.cases import complete_task
from app.services.organisation.accounts import create_user
from tests.helpers.api import API, VERIFIED, bearer, complete, in_english
from tests.helpers.complaints import COMPLAINANT, PDF, current_task_id, file_complaint, let_objection_period_pass

REVIEW_TO_UNIT = {
    "inti_masalah": "Pungutan di luar tarif resmi.",
    "peraturan_terkait": "PP 94/2021 tentang Disiplin PNS.",
    "memo": "Disalurkan ke unit kerja.",
    "logis": True,
    "berkadar_pengawasan": False,
    "kewenangan": True,
    "unit_tujuan": "bsn-dpspk",
}


def _routed_to_dpspk():
    """A case already verified and reviewed (through the services), waiting at the unit."""
    case = file_complaint()
    complete_task(task_id=current_task_id(case.id), data=VERIFIED, actor="admin")
    complete_task(task_id=current_task_id(case.id), data=REVIEW_TO_UNIT, actor="kepala")
    return case


# --- tokens ------------------------------------------------------------------------------


def test_a_token_is_issued_for_the_right_password_and_opens_the_inbox(client, staff):
    response = client.post(f"{API}/auth/token", json={"username": "admin", "password": DEMO_PASSWORD})
    assert response.status_code == 200
    assert response.json["token_type"] == "Bearer" and response.json["expires_in"] == 12 * 3600
    assert response.headers["Cache-Control"] == "no-store"
    inbox = client.get(f"{API}/tasks", headers={"Authorization": f"Bearer {response.json['token']}"})
    assert inbox.status_code == 200


@pytest.mark.parametrize("body", [
    {"username": "admin", "password": "salah-sandi"},
    {"username": "tidak.ada", "password": DEMO_PASSWORD},
])
def test_wrong_credentials_get_401_without_saying_which_was_wrong(client, staff, body):
    response = client.post(f"{API}/auth/token", json=body)
    assert response.status_code == 401
    assert response.json == {"message": "Nama pengguna atau kata sandi salah."}
    assert response.headers["WWW-Authenticate"].startswith("Bearer")


def test_token_request_without_both_fields_or_without_json_is_400(client, staff):
    assert client.post(f"{API}/auth/token", json={"username": "admin"}).status_code == 400
    assert client.post(f"{API}/auth/token", json={"username": "admin", "password": 123}).status_code == 400
    response = client.post(f"{API}/auth/token", data="username=admin", content_type="text/plain")
    assert response.status_code == 400 and response.json["message"] == "Isi permintaan harus berupa objek JSON."


def test_staff_routes_refuse_a_missing_forged_or_revoked_token(client, app, staff):
    case = file_complaint()
    task_id = current_task_id(case.id)
    good = bearer(client, "admin")
    forged = client.post(f"{API}/auth/token", json={"username": "admin", "password": DEMO_PASSWORD}).json["token"]
    forged = forged[:-3] + ("AAA" if not forged.endswith("AAA") else "BBB")
    routes = [
        ("get", f"{API}/tasks"),
        ("get", f"{API}/tasks/{task_id}"),
        ("post", f"{API}/tasks/{task_id}/claim"),
        ("post", f"{API}/tasks/{task_id}/unclaim"),
        ("post", f"{API}/tasks/{task_id}/complete"),
        ("get", f"{API}/cases/{case.id}"),
        ("get", f"{API}/cases/{case.id}/events"),
    ]
    for headers in ({}, {"Authorization": "Bearer "}, {"Authorization": f"Bearer {forged}"},
                    {"Authorization": good["Authorization"].replace("Bearer", "Basic")}):
        for method, path in routes:
            response = getattr(client, method)(path, headers=headers, json={"data": VERIFIED})
            assert response.status_code == 401, (headers, path)
            assert response.json == {"message": "Token tidak ada, tidak valid atau kedaluwarsa."}

    db.session.get(User, staff["admin"].id).active = False  # an account switched off
    db.session.commit()
    assert client.get(f"{API}/tasks", headers=good).status_code == 401
    assert current_task_id(case.id) == task_id  # nothing was completed on the way


# --- the whole of SOP 000 -----------------------------------------------------------------


def _case(client, headers, case_id):
    response = client.get(f"{API}/cases/{case_id}", headers=headers)
    assert response.status_code == 200, response.json
    return response.json


def _public_status(client, tracking_number, access_code):
    response = client.get(f"{API}/complaints/{tracking_number}", headers={"X-Access-Code": access_code})
    assert response.status_code == 200, response.json
    return response.json["status"]


def _only_task(client, headers):
    inbox = client.get(f"{API}/tasks", headers=headers).json
    assert inbox["total"] == 1, inbox
    return inbox["items"][0]


def test_sop_000_from_complaint_to_selesai_through_the_api(client, staff):
    filed = client.post(f"{API}/complaints", json={**COMPLAINANT, "judul": "Pungutan liar di loket"})
    assert filed.status_code == 201
    tracking, code = filed.json["tracking_number"], filed.json["access_code"]
    assert _public_status(client, tracking, code) == "verifikasi"

    admin = bearer(client, "admin")
    task = _only_task(client, admin)
    assert (task["tracking_number"], task["element_id"], task["lane"], task["form_key"]) == (
        tracking, "tugas_verifikasi", "Admin Inspektorat", "verifikasi_000")
    case_id = task["case_id"]
    assert _case(client, admin, case_id)["status"] == "verifikasi"
    done = complete(client, admin, task["id"], VERIFIED)
    assert done.status_code == 200 and done.json["case"]["status"] == "penelaahan"
    assert _public_status(client, tracking, code) == "penelaahan"

    kepala = bearer(client, "kepala")
    task = _only_task(client, kepala)
    assert task["element_id"] == "tugas_telaah" and task["lane"] == "Kepala Inspektorat"
    done = complete(client, kepala, task["id"], REVIEW_TO_UNIT)
    assert done.status_code == 200, done.json
    case = done.json["case"]
    assert case["status"] == "tindak_lanjut"
    [unit_task] = case["tasks"]
    assert (unit_task["element_id"], unit_task["lane"], unit_task["org_unit"]) == (
        "tugas_tindak_lanjut_unit", "Unit Eselon II", "bsn-dpspk")
    assert _public_status(client, tracking, code) == "tindak_lanjut"

    assert client.get(f"{API}/tasks", headers=bearer(client, "unit.akreditasi")).json["total"] == 0
    dpspk = bearer(client, "unit.dpspk")
    task = _only_task(client, dpspk)
    assert task["id"] == unit_task["id"] and task["org_unit"] == "bsn-dpspk"
    done = complete(client, dpspk, task["id"], {"laporan_tindak_lanjut": "Petugas loket telah dibina."})
    assert done.status_code == 200 and done.json["case"]["status"] == "penyampaian_hasil"

    task = _only_task(client, admin)
    assert task["element_id"] == "tugas_penyelesaian"
    done = complete(client, admin, task["id"], {"ringkasan_untuk_pengadu": "Ditindaklanjuti oleh unit kerja."})
    assert done.status_code == 200
    assert _public_status(client, tracking, code) == "jawaban_disampaikan"  # the objection period runs
    let_objection_period_pass(case_id)
    case = _case(client, admin, case_id)
    assert (case["status"], case["completed"], case["tasks"]) == ("selesai", True, [])
    assert case["closed_at"] is not None and case["process"]["key"] == "sop_000"
    assert _public_status(client, tracking, code) == "selesai"

    events = client.get(f"{API}/cases/{case_id}/events", headers=admin).json["items"]
    completed = [e for e in events if e["action"] == "task.completed"]
    assert [(e["actor"], e["element_id"], e["lane"]) for e in completed] == [
        ("admin", "tugas_verifikasi", "Admin Inspektorat"),
        ("kepala", "tugas_telaah", "Kepala Inspektorat"),
        ("unit.dpspk", "tugas_tindak_lanjut_unit", "Unit Eselon II"),
        ("admin", "tugas_penyelesaian", "Admin Inspektorat"),
    ]
    assert completed[0]["data_before"] == {"lengkap": None, "lokasi_kasus": None}
    assert completed[0]["data_after"] == VERIFIED
    [decision] = [e for e in events if e["action"] == "decision.evaluated"]
    assert decision["data_after"] == {"rute": "unit_kerja"}
    assert events[-1]["action"] == "case.closed"


# --- the inbox and one task ----------------------------------------------------------------


def test_inbox_filters_by_process_and_overdue_and_refuses_bad_parameters(client, staff):
    first, second = file_complaint(), file_complaint(judul="Kedua")
    admin = bearer(client, "admin")
    page = client.get(f"{API}/tasks", headers=admin).json
    assert {item["case_id"] for item in page["items"]} == {first.id, second.id}
    assert (page["next_cursor"], page["total"], page["total_capped"], page["per_page"]) == (None, 2, False, 20)
    assert client.get(f"{API}/tasks?process=sop_000", headers=admin).json["total"] == 2
    assert client.get(f"{API}/tasks?process=sop_999", headers=admin).json["items"] == []

    assert client.get(f"{API}/tasks?overdue=true", headers=admin).json["total"] == 0
    entry = db.session.scalars(db.select(TaskIndexEntry).where(TaskIndexEntry.case_id == second.id)).one()
    entry.due_at = datetime.now(timezone.utc) - timedelta(days=1)
    db.session.commit()
    overdue = client.get(f"{API}/tasks?overdue=1", headers=admin).json
    assert [item["case_id"] for item in overdue["items"]] == [second.id]
    assert overdue["items"][0]["due_at"] is not None

    for query, message in (("cursor=dua", "Penanda halaman"), ("overdue=mungkin", "Parameter '")):
        response = client.get(f"{API}/tasks?{query}", headers=admin)
        assert response.status_code == 400, query
        assert response.json["message"].startswith(message)


def test_a_task_comes_with_its_form_as_json_schema(client, staff):
    case = file_complaint()
    complete_task(task_id=current_task_id(case.id), data=VERIFIED, actor="admin")
    response = client.get(f"{API}/tasks/{current_task_id(case.id)}", headers=bearer(client, "kepala"))
    assert response.status_code == 200
    task = response.json
    assert (task["case_id"], task["element_id"], task["case_status"]) == (case.id, "tugas_telaah", "penelaahan")
    form = task["form"]
    assert form["key"] == "telaah_000" and form["title"] == "Penelaahan pengaduan"
    schema = form["schema"]
    assert schema["type"] == "object" and schema["additionalProperties"] is False
    assert set(schema["required"]) == {"inti_masalah", "peraturan_terkait", "logis", "berkadar_pengawasan",
                                       "kewenangan", "memo"}
    assert schema["properties"]["logis"]["type"] == "boolean"
    unit = schema["properties"]["unit_tujuan"]
    assert unit["type"] == "string" and "bsn-dpspk" in unit["enum"] and "bsn-akreditasi" in unit["enum"]
    assert unit["x-required-when"] == {"logis": True, "kewenangan": True, "berkadar_pengawasan": False}


def test_claim_and_unclaim(client, staff):
    case = file_complaint()
    task_id = current_task_id(case.id)
    admin = bearer(client, "admin")
    claimed = client.post(f"{API}/tasks/{task_id}/claim", headers=admin)
    assert claimed.status_code == 200 and claimed.json["claimed_by"] == "admin"
    assert client.post(f"{API}/tasks/{task_id}/claim", headers=admin).status_code == 200  # already mine
    assert client.get(f"{API}/tasks", headers=admin).json["items"][0]["claimed_by"] == "admin"
    released = client.post(f"{API}/tasks/{task_id}/unclaim", headers=admin)
    assert released.status_code == 200 and released.json["claimed_by"] is None
    again = client.post(f"{API}/tasks/{task_id}/unclaim", headers=admin)
    assert again.status_code == 409
    assert again.json == {"message": "Hanya yang mengambil tugas ini yang dapat melepaskannya."}


# --- refusals: 422, 409, 404 ----------------------------------------------------------------


def test_bad_form_data_is_422_with_the_field_named_and_nothing_moves(client, staff):
    case = file_complaint()
    task_id = current_task_id(case.id)
    admin = bearer(client, "admin")

    response = complete(client, admin, task_id, {"lengkap": False, "lokasi_kasus": "Serpong"})
    assert response.status_code == 422
    assert response.json == {"message": "Isian formulir tidak valid.", "errors": {"catatan_verifikasi": "Wajib diisi."}}

    response = in_english(client.post, f"{API}/tasks/{task_id}/complete", headers=admin,
                          json={"data": {"lengkap": "barangkali", "tembusan": "x"}})
    assert response.status_code == 422
    assert response.json["errors"] == {
        "lengkap": "Choose Yes or No.",
        "lokasi_kasus": "This field is required.",
        "tembusan": "This field is not on the form.",
    }

    assert client.post(f"{API}/tasks/{task_id}/complete", json={"data": ["lengkap"]}, headers=admin).status_code == 400
    assert client.post(f"{API}/tasks/{task_id}/complete", data="lengkap=ya", headers=admin).status_code == 400
    assert current_task_id(case.id) == task_id
    assert _case(client, admin, case.id)["status"] == "verifikasi"


def test_an_unknown_unit_code_is_refused_on_the_unit_field(client, staff):
    case = file_complaint()
    complete_task(task_id=current_task_id(case.id), data=VERIFIED, actor="admin")
    review = {**REVIEW_TO_UNIT, "unit_tujuan": "bsn-tidak-ada"}
    response = complete(client, bearer(client, "kepala"), current_task_id(case.id), review)
    assert response.status_code == 422
    assert response.json["errors"] == {"unit_tujuan": "Unit kerja ini bukan unit instansi kasus ini."}


def test_second_user_completing_a_completed_task_gets_409_naming_who_did(client, staff):
    create_user(username="admin2", password=DEMO_PASSWORD, roles=["Admin Inspektorat"])
    case = file_complaint()
    task_id = current_task_id(case.id)
    assert complete(client, bearer(client, "admin"), task_id, VERIFIED).status_code == 200

    admin2 = bearer(client, "admin2")
    response = complete(client, admin2, task_id, VERIFIED)
    assert response.status_code == 409
    assert response.json == {"message": "Tugas ini sudah diselesaikan oleh admin."}
    assert client.post(f"{API}/tasks/{task_id}/claim", headers=admin2).status_code == 409
    # Someone who could never have worked on it learns nothing of it.
    assert complete(client, bearer(client, "tatausaha"), task_id, VERIFIED).status_code == 404
    events = client.get(f"{API}/cases/{case.id}/events", headers=admin2).json["items"]
    assert [e["actor"] for e in events if e["action"] == "task.completed"] == ["admin"]


def test_a_task_claimed_by_another_cannot_be_completed_claimed_or_released(client, staff):
    create_user(username="admin2", password=DEMO_PASSWORD, roles=["Admin Inspektorat"])
    case = file_complaint()
    task_id = current_task_id(case.id)
    admin, admin2 = bearer(client, "admin"), bearer(client, "admin2")
    assert client.post(f"{API}/tasks/{task_id}/claim", headers=admin2).json["claimed_by"] == "admin2"

    taken = {"message": "Tugas ini sedang dikerjakan oleh admin2."}
    response = complete(client, admin, task_id, VERIFIED)
    assert (response.status_code, response.json) == (409, taken)
    response = client.post(f"{API}/tasks/{task_id}/claim", headers=admin)
    assert (response.status_code, response.json) == (409, taken)
    response = client.post(f"{API}/tasks/{task_id}/unclaim", headers=admin)
    assert (response.status_code, response.json) == (409, taken)
    assert current_task_id(case.id) == task_id

    assert client.post(f"{API}/tasks/{task_id}/unclaim", headers=admin2).status_code == 200
    assert complete(client, admin, task_id, VERIFIED).status_code == 200


def test_kepala_can_neither_see_nor_work_on_an_admin_task(client, staff):
    case = file_complaint()
    task_id = current_task_id(case.id)
    kepala = bearer(client, "kepala")
    not_found = {"message": "Tugas tidak ditemukan."}
    assert client.get(f"{API}/tasks", headers=kepala).json["items"] == []
    for method, path in [("get", f"{API}/tasks/{task_id}"), ("post", f"{API}/tasks/{task_id}/claim"),
                         ("post", f"{API}/tasks/{task_id}/unclaim"), ("post", f"{API}/tasks/{task_id}/complete")]:
        response = getattr(client, method)(path, headers=kepala, json={"data": VERIFIED})
        assert (response.status_code, response.json) == (404, not_found), path
    nonexistent = client.get(f"{API}/tasks/00000000-0000-0000-0000-000000000000", headers=kepala)
    assert (nonexistent.status_code, nonexistent.json) == (404, not_found)
    assert current_task_id(case.id) == task_id


def test_a_unit_sees_only_the_cases_routed_to_it(client, staff):
    case = _routed_to_dpspk()
    task_id = current_task_id(case.id)
    akreditasi, dpspk = bearer(client, "unit.akreditasi"), bearer(client, "unit.dpspk")

    missing = client.get(f"{API}/cases/999999", headers=akreditasi)
    assert missing.status_code == 404
    for path in (f"{API}/cases/{case.id}", f"{API}/cases/{case.id}/events"):
        response = client.get(path, headers=akreditasi)
        assert (response.status_code, response.json) == (404, missing.json), path
    assert client.get(f"{API}/tasks/{task_id}", headers=akreditasi).status_code == 404
    assert complete(client, akreditasi, task_id, {"laporan_tindak_lanjut": "x"}).status_code == 404

    assert client.get(f"{API}/tasks/{task_id}", headers=dpspk).status_code == 200
    assert client.get(f"{API}/cases/{case.id}/events", headers=dpspk).status_code == 200
    case_view = _case(client, dpspk, case.id)
    assert case_view["status"] == "tindak_lanjut"
    assert [(d["filename"], d["content_type"], d["size"]) for d in case_view["documents"]] == [
        ("bukti.pdf", "application/pdf", len(PDF))]


def test_an_engine_failure_is_a_json_500_and_shows_on_the_case(client, test_models):
    from app.services.casework.cases import start_case
    from app.services.organisation.accounts import ensure_unit

    ensure_unit(code="unit-a", name="Unit A")
    create_user(username="penguji", password=DEMO_PASSWORD, roles=["Admin Uji"])
    case = start_case(process_key="uji_mini", data={"jenis": "pengaduan"}, title="Uji", actor="pengadu")
    task_id = current_task_id(case.id)
    headers = bearer(client, "penguji")

    response = complete(client, headers, task_id, {"pembagi": 0, "unit_tujuan": "unit-a"})
    assert response.status_code == 500
    assert "division by zero" in response.json["message"] and response.json["case_id"] == case.id
    view = _case(client, headers, case.id)
    assert "division by zero" in view["last_error"] and view["status"] == "pengisian"
    assert [t["id"] for t in view["tasks"]] == [task_id]
