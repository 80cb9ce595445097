"""The staff side through the Flask test client: login, inbox, task pages, case pages."""
from app.extensions import db
from app.models import Case, Document
from tests.helpers.complaints import PDF, current_task_id, file_complaint, let_objection_period_pass, task_links


def test_login_refuses_a_wrong_password_and_never_redirects_off_site(client, staff, auth):
    response = auth.login("admin", "salah-sandi")
    assert response.status_code == 401
    assert "Nama pengguna atau kata sandi salah." in response.get_data(as_text=True)

    response = client.post("/masuk?next=//penipu.example/", data={"username": "admin", "password": "dumas-demo"})
    assert response.status_code == 302 and response.headers["Location"] == "/tugas"


def test_inbox_needs_a_login(client, staff):
    response = client.get("/tugas")
    assert response.status_code == 302 and response.headers["Location"].startswith("/masuk")


def test_each_role_sees_only_its_lane(client, staff, auth):
    case = file_complaint()
    task_id = current_task_id(case.id)

    auth.login("admin")
    assert task_links(client.get("/tugas").get_data(as_text=True)) == [task_id]
    auth.logout()

    auth.login("kepala")
    assert task_links(client.get("/tugas").get_data(as_text=True)) == []
    assert client.get(f"/tugas/{task_id}").status_code == 404
    assert client.post(f"/tugas/{task_id}", data={"lengkap": "ya", "lokasi_kasus": "x"}).status_code == 404


def test_bad_fields_are_named_beside_the_field_and_typed_values_kept(client, staff, auth):
    case = file_complaint()
    task_id = current_task_id(case.id)
    auth.login("admin")

    response = client.post(f"/tugas/{task_id}", data={"lengkap": "tidak", "lokasi_kasus": "Kantor Serpong"})
    html = response.get_data(as_text=True)
    assert response.status_code == 422
    assert 'id="catatan_verifikasi-error">Wajib diisi.' in html
    assert 'value="Kantor Serpong"' in html
    assert current_task_id(case.id) == task_id  # nothing moved


def _complete(client, task_id, data):
    response = client.post(f"/tugas/{task_id}", data=data)
    assert response.status_code == 303, response.get_data(as_text=True)
    return response


def test_sop_000_from_complaint_to_selesai_through_the_pages(client, staff, auth):
    case = file_complaint()

    auth.login("admin")
    _complete(client, current_task_id(case.id), {"lengkap": "ya", "lokasi_kasus": "Jakarta"})
    auth.logout()

    auth.login("kepala")
    review = client.get(f"/tugas/{current_task_id(case.id)}").get_data(as_text=True)
    assert "Deputi Bidang Penerapan Standar dan Penilaian Kesesuaian" in review  # unit choices
    _complete(client, current_task_id(case.id), {
        "inti_masalah": "Pungutan di luar tarif.", "peraturan_terkait": "PP 94/2021.", "memo": "Ke unit kerja.",
        "logis": "ya", "berkadar_pengawasan": "tidak", "kewenangan": "ya", "unit_tujuan": "bsn-dpspk",
    })
    auth.logout()

    auth.login("unit.akreditasi")  # another unit: sees neither the task nor the case
    assert task_links(client.get("/tugas").get_data(as_text=True)) == []
    assert client.get(f"/kasus/{case.id}").status_code == 404
    auth.logout()

    auth.login("unit.dpspk")
    unit_task = current_task_id(case.id)
    assert task_links(client.get("/tugas").get_data(as_text=True)) == [unit_task]
    assert client.get(f"/kasus/{case.id}").status_code == 200
    _complete(client, unit_task, {"laporan_tindak_lanjut": "Petugas telah dibina."})
    auth.logout()

    auth.login("admin")
    _complete(client, current_task_id(case.id), {"ringkasan_untuk_pengadu": "Ditindaklanjuti oleh unit kerja."})
    page = client.get(f"/kasus/{case.id}").get_data(as_text=True)
    assert "selesai" in page
    assert "Diselesaikan: 6. Menindaklanjuti di unit kerja" in page and "unit.dpspk" in page
    # Each step's output document is on the case for the next people to open.
    for output in ("Laporan hasil verifikasi", "Memo Kepala Inspektorat / laporan hasil penelaahan",
                   "Laporan penanganan tindak lanjut", "Laporan tindak lanjut kepada pengadu"):
        assert output in page
    assert "Petugas telah dibina." in page
    db.session.expire_all()
    assert db.session.get(Case, case.id).status == "jawaban_disampaikan"
    assert let_objection_period_pass(case.id).status == "selesai"


def test_second_person_completing_a_task_is_told_who_finished_it(client, app, staff, auth):
    case = file_complaint()
    task_id = current_task_id(case.id)
    from app.services.organisation.accounts import create_user

    create_user(username="admin2", password="dumas-demo", roles=["Admin Inspektorat"], organisation_code="bsn")
    auth.login("admin")
    _complete(client, task_id, {"lengkap": "ya", "lokasi_kasus": "Jakarta"})
    auth.logout()
    auth.login("admin2")  # had the task open too
    response = client.post(f"/tugas/{task_id}", data={"lengkap": "ya", "lokasi_kasus": "Jakarta"}, follow_redirects=True)
    assert "Tugas ini sudah diselesaikan oleh admin." in response.get_data(as_text=True)
    auth.logout()
    auth.login("kepala")  # never allowed on that task: learns nothing
    assert client.get(f"/tugas/{task_id}").status_code == 404


def test_a_claimed_task_cannot_be_completed_by_someone_else(client, staff, auth):
    from app.services.organisation.accounts import create_user

    create_user(username="admin2", password="dumas-demo", roles=["Admin Inspektorat"])
    case = file_complaint()
    task_id = current_task_id(case.id)

    auth.login("admin")
    assert client.post(f"/tugas/{task_id}/ambil").status_code == 303
    auth.logout()

    auth.login("admin2")
    response = client.post(f"/tugas/{task_id}", data={"lengkap": "ya", "lokasi_kasus": "Jakarta"}, follow_redirects=True)
    assert "Tugas ini sedang dikerjakan oleh admin." in response.get_data(as_text=True)
    assert current_task_id(case.id) == task_id


def test_documents_download_only_for_those_who_see_the_case(client, staff, auth):
    case = file_complaint()
    page_path = f"/kasus/{case.id}"
    auth.login("admin")
    html = client.get(page_path).get_data(as_text=True)
    assert "bukti.pdf" in html
    [document_id] = db.session.scalars(db.select(Document.id).where(Document.case_id == case.id))
    response = client.get(f"{page_path}/dokumen/{document_id}")
    assert response.status_code == 200 and response.data == PDF
    assert response.headers["Content-Disposition"] == 'attachment; filename="bukti.pdf"'
    assert response.headers["X-Content-Type-Options"] == "nosniff"
    auth.logout()

    auth.login("unit.dpspk")
    assert client.get(f"{page_path}/dokumen/{document_id}").status_code == 404


def test_inbox_and_case_page_show_deadlines(client, test_models, auth):
    from datetime import datetime, timedelta, timezone

    from app.services.casework.cases import complete_task, start_case
    from app.services.casework.events import move_deadline
    from app.services.organisation.accounts import create_user

    create_user(username="unituji", password="dumas-demo", roles=["Unit Uji"], unit_code="Unit A")
    case = start_case(process_key="uji_mini", data={}, title="Uji tenggat", actor="pengadu")
    complete_task(task_id=case.tasks[0].engine_task_id, data={"pembagi": 2, "unit_tujuan": "Unit A"}, actor="ani")
    auth.login("unituji")
    inbox = client.get("/tugas").get_data(as_text=True)
    assert "hari kerja lagi" in inbox and "badge overdue" not in inbox

    move_deadline(case_id=case.id, element_id="pengingat", due_at=datetime.now(timezone.utc) - timedelta(hours=1),
                  reason="Uji keterlambatan", actor="ani")
    assert 'class="badge overdue">terlambat' in client.get("/tugas").get_data(as_text=True)
    task_id = current_task_id(case.id)
    assert client.post(f"/tugas/{task_id}", data={}).status_code == 303
    page = client.get(f"/kasus/{case.id}").get_data(as_text=True)
    assert "Batas waktu dipindah" in page and "Uji keterlambatan" in page
    assert 'class="badge overdue">terlewat' in page


def test_the_supervising_role_extends_a_deadline_with_a_reason(client, test_models, auth):
    from datetime import date, timedelta

    from app.models import AuditEvent, TaskIndexEntry
    from app.services.casework.cases import complete_task, start_case
    from app.services.organisation.accounts import create_user

    create_user(username="unituji", password="dumas-demo", roles=["Unit Uji"], unit_code="Unit A")
    create_user(username="adminuji", password="dumas-demo", roles=["Admin Uji"])
    case = start_case(process_key="uji_mini", data={}, title="Uji perpanjangan", actor="pengadu")
    complete_task(task_id=case.tasks[0].engine_task_id, data={"pembagi": 2, "unit_tujuan": "Unit A"}, actor="ani")
    task_id = current_task_id(case.id)
    later = date.today() + timedelta(days=20)
    form = {"tugas": task_id, "sampai": later.isoformat(), "alasan": "Menunggu dokumen dari pihak ketiga"}

    auth.login("unituji")  # works on the task, may not extend it
    assert "Perpanjang sampai" not in client.get(f"/kasus/{case.id}").get_data(as_text=True)
    assert client.post(f"/kasus/{case.id}/tenggat", data=form).status_code == 404
    auth.logout()

    auth.login("adminuji")
    assert "Perpanjang sampai" in client.get(f"/kasus/{case.id}").get_data(as_text=True)
    page = client.post(f"/kasus/{case.id}/tenggat", data=form, follow_redirects=True).get_data(as_text=True)
    assert f"Batas waktu diperpanjang sampai {later.isoformat()}." in page
    assert "Menunggu dokumen dari pihak ketiga" in page  # the reason is on the timeline
    db.session.expire_all()
    entry = db.session.scalars(db.select(TaskIndexEntry).where(TaskIndexEntry.engine_task_id == task_id)).one()
    assert entry.due_at.astimezone().date() >= later - timedelta(days=1)
    moved = db.session.scalars(db.select(AuditEvent).where(AuditEvent.action == "deadline.moved")).one()
    assert (moved.actor, moved.detail) == ("adminuji", "Menunggu dokumen dari pihak ketiga")

    earlier = {**form, "sampai": date.today().isoformat()}
    refused = client.post(f"/kasus/{case.id}/tenggat", data=earlier, follow_redirects=True).get_data(as_text=True)
    assert "Perpanjangan harus setelah batas waktu yang berlaku sekarang." in refused
