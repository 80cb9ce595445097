"""Accounts in the browser (issue 13.5): the system administrator creates, edits and
deactivates accounts; an agency administrator does so only inside their organisation.
Real database, real pages, real sessions."""
import pytest
from flask import g

from app.extensions import db
from app.models import AuditEvent, Case, Organisation, TaskIndexEntry, User
from app.services.administration.demo import DEMO_PASSWORD
from app.services.organisation.accounts import AGENCY_ADMIN_ROLE, SYSTEM_ADMIN_ROLE, create_user, ensure_system_roles
from app.services.organisation.organisations import complaint_intakes
from tests.helpers.complaints import current_task_id, file_complaint


def _own_user_per_request():
    # The `staff` fixtures keep one app context open for the whole test, and Flask reuses
    # it for every request, so Flask-Login's per-request user in `g` would carry over from
    # one test client to the next. In production each request has its own context.
    g.pop("_login_user", None)


@pytest.fixture
def admins(app, every_staff):
    app.before_request_funcs.setdefault(None, []).insert(0, _own_user_per_request)
    ensure_system_roles()
    create_user(username="sysadmin", password=DEMO_PASSWORD, roles=[SYSTEM_ADMIN_ROLE])
    create_user(username="admin.bsn", password=DEMO_PASSWORD, roles=[AGENCY_ADMIN_ROLE], organisation_code="bsn")
    return every_staff


def _user(username: str) -> User:
    db.session.expire_all()
    return db.session.scalars(db.select(User).where(User.username == username)).one()


def _actions(action: str) -> list[AuditEvent]:
    return list(db.session.scalars(db.select(AuditEvent).where(AuditEvent.action == action).order_by(AuditEvent.id)))


def test_an_account_made_with_a_chosen_password_must_change_it_at_first_sign_in(app, client, auth, admins):
    auth.login("sysadmin")
    made = client.post("/admin/akun/baru", data={
        "username": "sari", "nama": "Sari Wulandari", "email": "sari@bsn.example", "peran": ["Admin Inspektorat"],
        "instansi": "bsn", "unit": "bsn-dpspk", "kata_sandi": "sementara-123"})
    assert made.status_code == 303
    page = client.get(made.headers["Location"]).get_data(as_text=True)
    assert "harus mengganti kata sandi saat masuk" in page
    listed = client.get("/admin/akun?q=wulan").get_data(as_text=True)
    assert "sari" in listed and "Sari Wulandari" in listed and "1 akun" in listed
    [created] = _actions("account.created")
    assert created.actor == "sysadmin" and created.data_after["peran"] == ["Admin Inspektorat"]

    sari = app.test_client()
    sari.post("/masuk", data={"username": "sari", "password": "sementara-123"})
    forced = sari.get("/tugas")
    assert forced.status_code == 302 and forced.headers["Location"].endswith("/akun/kata-sandi")
    assert sari.post("/api/v1/auth/token", json={"username": "sari", "password": "sementara-123"}).status_code == 403
    changed = sari.post("/akun/kata-sandi", data={"current": "sementara-123", "new": "milik-sari-456",
                                                  "confirm": "milik-sari-456"})
    assert changed.status_code == 302
    assert sari.get("/tugas").status_code == 200
    assert _user("sari").must_change_password is False


def test_editing_roles_and_unit_is_audited_and_refuses_a_unit_of_another_organisation(app, client, auth, admins):
    member = app.test_client()
    member.post("/masuk", data={"username": "unit.dpspk", "password": DEMO_PASSWORD})
    assert member.get("/tugas").status_code == 200
    auth.login("sysadmin")
    target = _user("unit.dpspk")
    wrong = client.post(f"/admin/akun/{target.id}", data={"nama": "X", "peran": ["Unit Eselon II"],
                                                          "instansi": "bsn", "unit": "katingan-dpmd"})
    assert wrong.status_code == 400
    assert "bukan bagian dari instansi akun ini" in wrong.get_data(as_text=True)
    ok = client.post(f"/admin/akun/{target.id}", data={"nama": "Dewi", "email": "dewi@bsn.example",
                                                       "peran": ["Unit Eselon II"], "instansi": "bsn",
                                                       "unit": "bsn-akreditasi"})
    assert ok.status_code == 303
    assert _user("unit.dpspk").unit_code == "bsn-akreditasi"
    assert member.get("/tugas").status_code == 302  # a session made for the old unit ends
    no_org = client.post("/admin/akun/baru", data={"username": "adm", "peran": [AGENCY_ADMIN_ROLE], "instansi": ""})
    assert no_org.status_code == 400 and "Administrator Instansi harus punya instansi." in no_org.get_data(as_text=True)
    [event] = _actions("account.updated")
    assert (event.data_before["unit"], event.data_after["unit"]) == ("bsn-dpspk", "bsn-akreditasi")


def test_a_deactivated_user_cannot_sign_in_and_no_longer_holds_tasks(app, client, auth, admins):
    case = file_complaint()
    task_id = current_task_id(case.id)
    holder = app.test_client()
    holder.post("/masuk", data={"username": "admin", "password": DEMO_PASSWORD})
    assert holder.post(f"/tugas/{task_id}/ambil").status_code in (302, 303)
    token = holder.post("/api/v1/auth/token", json={"username": "admin", "password": DEMO_PASSWORD}).get_json()["token"]
    assert db.session.scalar(db.select(TaskIndexEntry.claimed_by).where(TaskIndexEntry.engine_task_id == task_id)) == "admin"

    auth.login("sysadmin")
    admin_id = _user("admin").id
    assert client.post(f"/admin/akun/{admin_id}/nonaktifkan", data={"alasan": ""}).status_code == 303
    assert _user("admin").active  # a reason is required
    done = client.post(f"/admin/akun/{admin_id}/nonaktifkan", data={"alasan": "Mutasi ke instansi lain"},
                       follow_redirects=True)
    assert "1 tugas yang diambilnya dikembalikan" in done.get_data(as_text=True)

    assert holder.get("/tugas").status_code == 302  # the open session ended
    assert app.test_client().get("/api/v1/tasks", headers={"Authorization": f"Bearer {token}"}).status_code == 401
    again = app.test_client().post("/masuk", data={"username": "admin", "password": DEMO_PASSWORD})
    assert again.status_code == 401
    db.session.expire_all()
    entry = db.session.scalars(db.select(TaskIndexEntry).where(TaskIndexEntry.engine_task_id == task_id)).one()
    assert entry.claimed_by is None
    [released] = _actions("task.released")
    assert released.case_id == case.id and released.actor == "sysadmin" and "admin" in released.detail
    assert db.session.get(Case, case.id) is not None and _user("admin") is not None  # never deleted
    assert "nonaktif" in client.get("/admin/akun?status=nonaktif").get_data(as_text=True)
    # Another member of the lane now takes it.
    other = create_user(username="admin2", password=DEMO_PASSWORD, roles=["Admin Inspektorat"], organisation_code="bsn")
    second = app.test_client()
    second.post("/masuk", data={"username": other.username, "password": DEMO_PASSWORD})
    assert second.post(f"/tugas/{task_id}/ambil").status_code in (302, 303)


def test_an_agency_administrator_manages_only_their_own_organisation(client, auth, admins):
    auth.login("admin.bsn")
    listed = client.get("/admin/akun").get_data(as_text=True)
    assert "unit.dpspk" in listed and "katingan." not in listed and "sysadmin" not in listed
    outsider = db.session.scalars(db.select(User).where(User.organisation_code == "katingan")).first()
    assert client.get(f"/admin/akun/{outsider.id}").status_code == 404
    assert client.post(f"/admin/akun/{outsider.id}/nonaktifkan", data={"alasan": "x"}).status_code == 404
    assert client.post(f"/admin/akun/{outsider.id}/tautan-sandi", data={"kirim": "tampilkan"}).status_code == 404
    assert _user(outsider.username).active
    assert client.get(f"/admin/akun/{_user('sysadmin').id}").status_code == 404

    system_role = client.post("/admin/akun/baru", data={"username": "naik", "peran": [SYSTEM_ADMIN_ROLE]})
    assert system_role.status_code == 400
    assert "Peran ini tidak dapat Anda berikan: Administrator Sistem" in system_role.get_data(as_text=True)
    other_org = client.post("/admin/akun/baru", data={"username": "nyasar", "peran": ["Admin Inspektorat"],
                                                      "instansi": "katingan"})
    assert other_org.status_code == 400
    other_lane = client.post("/admin/akun/baru", data={"username": "nyasar", "peran": [outsider.roles[0].name]})
    assert other_lane.status_code == 400
    assert db.session.scalar(db.select(User.id).where(User.username.in_(["naik", "nyasar"]))) is None

    made = client.post("/admin/akun/baru", data={"username": "budi.bsn", "peran": ["Tata Usaha Inspektorat"]})
    assert made.status_code == 303
    assert _user("budi.bsn").organisation_code == "bsn"  # always their own organisation

    # Units and the organisation itself, in the same scope.
    units = client.get("/admin/unit").get_data(as_text=True)
    assert "bsn-dpspk" in units and "katingan-dpmd" not in units
    assert client.get("/admin/unit/katingan-dpmd").status_code == 404
    assert client.post("/admin/unit", data={"kode": "bsn-baru", "nama": "Pusat Baru", "instansi": "katingan"}).status_code == 404
    assert client.post("/admin/unit", data={"kode": "bsn-baru", "nama": "Pusat Baru"}).status_code == 303
    assert client.get("/admin/unit/bsn-baru").status_code == 200
    assert client.get("/admin/instansi/katingan").status_code == 404
    assert client.post("/admin/instansi", data={"kode": "baru", "nama": "Baru"}).status_code == 404
    assert "bsn" in [o.code for o in complaint_intakes()]
    closed = client.post("/admin/instansi/bsn", data={"nama": "Inspektorat BSN"})  # box unticked
    assert closed.status_code == 303
    db.session.expire_all()
    assert db.session.get(Organisation, "bsn").accepts_complaints is False
    assert "bsn" not in [o.code for o in complaint_intakes()]
    assert [e.actor for e in _actions("organisation.updated")] == ["admin.bsn"]
    assert [e.detail for e in _actions("unit.created")] == ["bsn-baru"]


def test_staff_without_an_administrator_role_see_no_account_pages(client, auth, admins):
    auth.login("kepala")
    for path in ("/admin/akun", "/admin/akun/baru", "/admin/unit", "/admin/instansi"):
        assert client.get(path).status_code == 404, path
    assert "Akun petugas" not in client.get("/akun").get_data(as_text=True)
