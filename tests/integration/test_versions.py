"""Versions as a process owner meets them: new cases take the newest version while
running cases finish on theirs, the list and history pages, export, and rollback."""
import re

import pytest

from app import create_app
from app.extensions import db
from app.models import AuditEvent, Case, ProcessVersion
from app.services.casework.cases import complete_task, start_case
from app.services.organisation.accounts import create_user
from tests.helpers.versions_helpers import OWNER, PASSWORD, make_owner, redeploy

RENAME = {'name="Periksa hasil"': 'name="Periksa ulang hasil"',
          'value="pemeriksaan"': 'value="pemeriksaan_ulang"'}


def _start(title="Uji"):
    return start_case(process_key="uji_mini", data={"jenis": "pengaduan"}, title=title, actor="pengadu")


def _to_second_task(case: Case) -> Case:
    [task] = case.tasks
    complete_task(task_id=task.engine_task_id, data={"pembagi": "4", "unit_tujuan": "Unit A"}, actor="ani")
    db.session.expire_all()
    return db.session.get(Case, case.id)


def _started_detail(case: Case) -> str:
    return db.session.scalars(
        db.select(AuditEvent.detail).where(AuditEvent.case_id == case.id, AuditEvent.action == "case.started")
    ).one()


def test_new_cases_take_the_newest_version_and_running_cases_keep_theirs(test_models):
    running = _start("lama")
    v2 = redeploy(test_models["uji_mini"], replace=RENAME)
    fresh = _start("baru")

    running, fresh = _to_second_task(running), _to_second_task(fresh)
    assert (running.process_version.number, running.tasks[0].title, running.status) == (1, "Periksa hasil", "pemeriksaan")
    assert (fresh.process_version_id, fresh.tasks[0].title, fresh.status) == (v2.id, "Periksa ulang hasil",
                                                                             "pemeriksaan_ulang")
    assert _started_detail(running) == "uji_mini versi 1"
    assert _started_detail(fresh) == "uji_mini versi 2"


@pytest.fixture
def owner(test_models, client, auth):
    make_owner()
    auth.login(OWNER, PASSWORD)
    return test_models


def test_the_list_shows_every_process_and_table_with_versions_and_running_cases(owner, client):
    _start()
    redeploy(owner["uji_mini"], replace=RENAME, by="siti")
    _start()
    _start()
    page = client.get("/admin/model").get_data(as_text=True)

    mini = page[page.index('id="proses-uji_mini"'):page.index('id="proses-uji_mini"') + 4000]
    rows = re.findall(r'<tr data-version="(\d+)">(.*?)</tr>', mini, re.S)
    assert [number for number, _ in rows] == ["2", "1"]
    assert "siti" in rows[0][1] and "test" in rows[1][1]
    running = [re.search(r'class="running">(\d+)', row).group(1) for _, row in rows]
    assert running == ["2", "1"]
    v2 = db.session.scalars(db.select(ProcessVersion).where(ProcessVersion.number == 2)).one()
    assert v2.content_hash[:12] in rows[0][1]
    assert 'href="/admin/model/proses/uji_mini/ubah"' in mini
    assert 'id="proses-uji_awal"' in page
    assert "uji_tabel.dmn" in page and "uji_awal v1" in page
    start_case(process_key="uji_awal", data={"jenis": "pengaduan"}, title="Tabel", actor="pengadu")
    page = client.get("/admin/model").get_data(as_text=True)
    [table_row] = re.findall(r"<td>(?:<a [^>]*>)?uji_tabel.dmn(?:</a>)?</td>(.*?)</tr>", page, re.S)
    assert re.search(r'class="running">(\d+)<', table_row).group(1) == "1"
    assert '>Model proses</a>' in page  # the owner's navigation


def test_only_process_owners_and_the_system_admin_see_the_pages(test_models, client, auth):
    create_user(username="staf", password=PASSWORD, roles=["Admin Uji"])
    urls = ["/admin/model", "/admin/model/proses/uji_mini", "/admin/model/proses/uji_mini/beda?dari=1&ke=1",
            "/admin/model/proses/uji_mini/versi/1/ekspor", "/admin/model/proses/uji_mini/versi/1/pulihkan",
            "/admin/model/proses/uji_awal/versi/1/tabel/uji_tabel.dmn"]
    assert all(client.get(url).status_code == 302 for url in urls)  # to the login page
    auth.login("staf", PASSWORD)
    assert [client.get(url).status_code for url in urls] == [404] * len(urls)
    assert client.post("/admin/model/proses/uji_mini/versi/1/pulihkan", data={"confirm": "y"}).status_code == 404
    assert "Model proses" not in client.get("/tugas").get_data(as_text=True)

    from app.models import Role
    from app.services.organisation.accounts import SYSTEM_ADMIN_ROLE
    db.session.add(Role(name=SYSTEM_ADMIN_ROLE))
    db.session.commit()
    create_user(username="sysadmin", password=PASSWORD, roles=[SYSTEM_ADMIN_ROLE])
    auth.logout()
    auth.login("sysadmin", PASSWORD)
    assert [client.get(url).status_code for url in urls] == [200] * len(urls)


def test_unknown_process_version_or_table_is_404(owner, client):
    assert client.get("/admin/model/proses/tidak_ada").status_code == 404
    assert client.get("/admin/model/proses/uji_mini/versi/9/ekspor").status_code == 404
    assert client.get("/admin/model/proses/uji_mini/beda?dari=1&ke=7").status_code == 404
    assert client.get("/admin/model/proses/uji_awal/versi/1/tabel/lain.dmn").status_code == 404


def test_export_returns_the_versions_own_files_for_the_camunda_modeler(owner, client):
    v1 = owner["uji_mini"]
    redeploy(v1, replace=RENAME)
    response = client.get("/admin/model/proses/uji_mini/versi/1/ekspor")
    assert response.status_code == 200
    assert response.mimetype == "application/xml"
    assert response.headers["Content-Disposition"] == 'attachment; filename="uji_mini.bpmn"'
    assert response.get_data(as_text=True) == v1.bpmn_xml
    assert 'name="Periksa hasil"' in response.get_data(as_text=True)

    table = client.get("/admin/model/proses/uji_awal/versi/1/tabel/uji_tabel.dmn")
    assert (table.status_code, table.mimetype) == (200, "application/xml")
    assert table.headers["Content-Disposition"] == 'attachment; filename="uji_tabel.dmn"'
    assert table.get_data(as_text=True) == owner["uji_awal"].decision_files["uji_tabel.dmn"]


def test_history_and_diff_name_who_deployed_what_and_what_changed(owner, client):
    redeploy(owner["uji_mini"], replace=RENAME, by="siti")
    history = client.get("/admin/model/proses/uji_mini").get_data(as_text=True)
    assert "siti" in history and "/admin/model/proses/uji_mini/versi/1/pulihkan" in history

    page = client.get("/admin/model/proses/uji_mini/beda?dari=1&ke=2").get_data(as_text=True)
    [item] = re.findall(r'<li data-element-id="periksa" data-kind="changed">(.*?)</ul>\s*</li>', page, re.S)
    assert "Periksa ulang hasil" in item
    assert "nama: <del>Periksa hasil</del> → <ins>Periksa ulang hasil</ins>" in item
    assert "properti status: <del>pemeriksaan</del> → <ins>pemeriksaan_ulang</ins>" in item
    assert page.count('data-kind="') == 1  # nothing else differs
    assert '"changed": ["periksa"]' in page  # the markers the viewer sets


def test_rollback_deploys_the_old_content_as_a_new_version(owner, client):
    v1 = owner["uji_mini"]
    redeploy(v1, replace=RENAME)
    running_on_v2 = _start()

    confirm_page = client.get("/admin/model/proses/uji_mini/versi/1/pulihkan").get_data(as_text=True)
    assert "versi 3" in confirm_page and "Periksa ulang hasil" in confirm_page
    refused = client.post("/admin/model/proses/uji_mini/versi/1/pulihkan", data={})
    assert refused.status_code == 200 and "Centang konfirmasi" in refused.get_data(as_text=True)
    assert db.session.scalar(db.select(db.func.count(ProcessVersion.id)).where(
        ProcessVersion.definition_id == v1.definition_id)) == 2

    done = client.post("/admin/model/proses/uji_mini/versi/1/pulihkan", data={"confirm": "y"})
    assert done.status_code == 303
    db.session.expire_all()
    v3 = db.session.scalars(db.select(ProcessVersion).where(
        ProcessVersion.definition_id == v1.definition_id, ProcessVersion.number == 3)).one()
    assert (v3.content_hash, v3.bpmn_xml, v3.deployed_by) == (v1.content_hash, v1.bpmn_xml, OWNER)
    event = db.session.scalars(db.select(AuditEvent).where(AuditEvent.action == "process.rolled_back")).one()
    assert (event.actor, event.case_id) == (OWNER, None)
    assert event.data_after["restored_from"] == 1 and event.data_after["version"] == 3
    assert "versi 3 memulihkan versi 1" in event.detail
    history = client.get("/admin/model/proses/uji_mini").get_data(as_text=True)
    [row_3] = re.findall(r'<tr data-version="3">(.*?)</tr>', history, re.S)
    assert "isi sama dengan versi 1" in row_3 and OWNER in row_3

    assert _to_second_task(_start()).tasks[0].title == "Periksa hasil"
    assert _to_second_task(db.session.get(Case, running_on_v2.id)).tasks[0].title == "Periksa ulang hasil"

    again = client.post("/admin/model/proses/uji_mini/versi/1/pulihkan", data={"confirm": "y"}, follow_redirects=True)
    assert "sudah sama isinya" in again.get_data(as_text=True)
    assert db.session.scalar(db.select(db.func.count(AuditEvent.id)).where(
        AuditEvent.action == "process.rolled_back")) == 1


def test_rollback_refuses_a_post_without_the_csrf_token(owner, app):
    redeploy(owner["uji_mini"], replace=RENAME)
    protected = create_app({**app.config, "WTF_CSRF_ENABLED": True}).test_client()
    page = protected.get("/masuk").get_data(as_text=True)
    token = re.search(r'name="csrf_token" type="hidden" value="([^"]+)"', page).group(1)
    protected.post("/masuk", data={"username": OWNER, "password": PASSWORD, "csrf_token": token})
    url = "/admin/model/proses/uji_mini/versi/1/pulihkan"
    assert protected.post(url, data={"confirm": "y"}).status_code == 400
    form = protected.get(url).get_data(as_text=True)
    token = re.search(r'id="csrf_token" name="csrf_token" type="hidden" value="([^"]+)"', form).group(1)
    assert protected.post(url, data={"confirm": "y", "csrf_token": token}).status_code == 303
