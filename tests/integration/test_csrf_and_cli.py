"""CSRF on every form, and the account commands an operator uses."""
import pytest

from app import create_app
from app.extensions import db
from app.models import Case, User
from tests.helpers.complaints import current_task_id, file_complaint


@pytest.fixture
def csrf_client(app, database_url):
    protected = create_app({**app.config, "WTF_CSRF_ENABLED": True})
    return protected.test_client()


def test_forms_refuse_a_post_without_the_csrf_token(csrf_client, staff):
    case = file_complaint()
    assert csrf_client.post("/masuk", data={"username": "admin", "password": "dumas-demo"}).status_code == 400
    assert csrf_client.post(f"/tugas/{current_task_id(case.id)}", data={"lengkap": "ya"}).status_code == 400
    assert csrf_client.post("/lapor", data={"judul": "x"}).status_code == 400


def test_login_with_the_token_from_the_page_works(csrf_client, staff):
    import re

    page = csrf_client.get("/masuk").get_data(as_text=True)
    token = re.search(r'name="csrf_token" type="hidden" value="([^"]+)"', page).group(1)
    response = csrf_client.post("/masuk", data={"username": "admin", "password": "dumas-demo", "csrf_token": token})
    assert response.status_code == 302


def test_users_create_and_roles_commands(runner, staff, sop_models):
    result = runner.invoke(args=["roles"])
    assert result.exit_code == 0
    # One role per lane of every deployed SOP, sorted; SOP 000's among them.
    assert result.output.splitlines() == sorted({lane for v in sop_models.values() for lane in v.lanes})
    assert {
        "Admin Inspektorat", "Instansi Lain", "Kepala BSN", "Kepala Inspektorat",
        "Pengadu", "Tata Usaha Inspektorat", "Unit Eselon II",
    } <= set(result.output.splitlines())
    result = runner.invoke(args=[
        "users", "create", "--username", "rina", "--password", "rahasia-panjang",
        "--role", "Unit Eselon II", "--role", "Kepala BSN", "--unit", "bsn-dps",
    ])
    assert result.exit_code == 0, result.output
    user = db.session.scalars(db.select(User).where(User.username == "rina")).one()
    assert user.role_names == {"Unit Eselon II", "Kepala BSN"} and user.unit_code == "bsn-dps"
    assert "rahasia-panjang" not in user.password_hash


@pytest.mark.parametrize(
    "args,message",
    [
        (["--role", "Raja"], "Peran tidak dikenal: Raja"),
        (["--role", "Kepala BSN", "--unit", "bsn-antah"], "Unit kerja tidak dikenal: bsn-antah"),
        (["--role", "Kepala BSN", "--username", "admin"], "sudah dipakai"),
    ],
)
def test_users_create_explains_what_is_wrong(runner, staff, args, message):
    base = ["users", "create", "--username", "baru", "--password", "rahasia-panjang"]
    result = runner.invoke(args=base + args)
    assert result.exit_code != 0 and message in result.output


def test_staff_see_an_engine_error_on_the_case_page(client, test_models, auth):
    from app.services.casework.cases import start_case
    from app.services.organisation.accounts import create_user

    create_user(username="uji", password="dumas-demo", roles=["Admin Uji"])
    case = start_case(process_key="uji_awal", data={"kategori": "a", "pembagi": 0}, title="Uji", actor="pengadu")
    auth.login("uji")
    html = client.get(f"/kasus/{case.id}").get_data(as_text=True)
    assert "Langkah terakhir gagal" in html and "division by zero" in html


def test_staff_start_a_process_whose_start_event_is_in_their_lane(client, test_models, auth):
    from app.services.organisation.accounts import create_user

    create_user(username="uji", password="dumas-demo", roles=["Admin Uji"])
    create_user(username="unitnya", password="dumas-demo", roles=["Unit Uji"])
    auth.login("unitnya")
    assert "Proses uji mini" not in client.get("/proses").get_data(as_text=True)
    assert client.post("/proses", data={"proses": "uji_mini", "judul": "Coba"}).status_code == 404
    auth.logout()

    auth.login("uji")
    assert "Proses uji mini" in client.get("/proses").get_data(as_text=True)
    assert "Mulai proses" in client.get("/tugas").get_data(as_text=True)
    response = client.post("/proses", data={"proses": "uji_mini", "judul": "Pemantauan uji"})
    assert response.status_code == 303
    case = db.session.scalars(db.select(Case).where(Case.title == "Pemantauan uji")).one()
    assert response.headers["Location"] == f"/kasus/{case.id}"
    assert [t.element_id for t in case.tasks] == ["isi_data"]


def test_users_list_shows_each_account_with_its_organisation_unit_and_roles(runner, staff):
    lines = runner.invoke(args=["users", "list"]).output.splitlines()
    assert "unit.dpspk\tbsn\tbsn-dpspk\tUnit Eselon II" in lines
    assert len(lines) == len(staff)


def test_calendar_commands_add_list_and_remove_a_cuti_bersama(runner, staff):
    added = runner.invoke(args=["calendar", "add", "--date", "2026-12-24", "--name", "Cuti bersama Natal",
                                "--kind", "cuti_bersama"])
    assert added.exit_code == 0, added.output
    listed = runner.invoke(args=["calendar", "list", "--year", "2026"]).output
    assert "2026-12-24\tcuti_bersama\tsemua\tCuti bersama Natal" in listed
    wrong = runner.invoke(args=["calendar", "add", "--date", "2026-12-31", "--name", "x", "--kind", "daerah"])
    assert wrong.exit_code != 0 and "satu instansi" in wrong.output
    holiday_id = listed.split("\t")[0]
    assert runner.invoke(args=["calendar", "remove", "--id", holiday_id]).exit_code == 0
    assert runner.invoke(args=["calendar", "list", "--year", "2026"]).output == ""
