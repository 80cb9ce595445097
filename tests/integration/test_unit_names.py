"""Staff read a routed task's unit by its name, not its code: the case page, the inbox row,
the task page, the SLA dashboard; the API keeps the code and adds the name."""
import re

from app.services.casework.cases import complete_task
from tests.helpers.api import API, bearer
from tests.helpers.complaints import current_task_id, file_complaint
from tests.helpers.reports_scenario import build_scenario

DPSPK = "Deputi Bidang Penerapan Standar dan Penilaian Kesesuaian"
REVIEW = {"inti_masalah": "Pungutan di luar tarif resmi.", "peraturan_terkait": "PP 94/2021.", "memo": "Ke unit.",
          "logis": True, "berkadar_pengawasan": False, "kewenangan": True, "unit_tujuan": "bsn-dpspk"}


def _routed_to_dpspk():
    case = file_complaint()
    complete_task(task_id=current_task_id(case.id), data={"lengkap": True, "lokasi_kasus": "Jakarta"}, actor="admin")
    complete_task(task_id=current_task_id(case.id), data=REVIEW, actor="kepala")
    return case


def test_the_case_page_inbox_and_task_page_name_the_unit(client, staff, auth):
    case = _routed_to_dpspk()
    task_id = current_task_id(case.id)
    auth.login("unit.dpspk")
    inbox = client.get("/tugas").get_data(as_text=True)
    assert f'Unit Eselon II<br><span class="muted">{DPSPK}</span>' in inbox
    task = client.get(f"/tugas/{task_id}").get_data(as_text=True)
    assert f'<p class="muted">Unit Eselon II · {DPSPK}' in task
    page = client.get(f"/kasus/{case.id}").get_data(as_text=True)
    position = re.search(r"<h2>Posisi saat ini</h2>(.*?)</section>", page, re.S).group(1)
    assert f"Unit Eselon II, {DPSPK}" in position and "bsn-dpspk" not in position


def test_the_api_keeps_the_unit_code_and_adds_its_name(client, staff):
    case = _routed_to_dpspk()
    task_id = current_task_id(case.id)
    headers = bearer(client, "unit.dpspk")
    task = client.get(f"{API}/tasks/{task_id}", headers=headers).json
    assert (task["org_unit"], task["org_unit_name"]) == ("bsn-dpspk", DPSPK)
    [listed] = [t for t in client.get(f"{API}/tasks", headers=headers).json["items"] if t["id"] == task_id]
    assert listed["org_unit_name"] == DPSPK
    [waiting] = client.get(f"{API}/cases/{case.id}", headers=headers).json["tasks"]
    assert (waiting["org_unit"], waiting["org_unit_name"]) == ("bsn-dpspk", DPSPK)


def test_the_sla_dashboard_names_the_unit_of_an_urgent_task(every_staff, client, auth):
    scenario = build_scenario()
    auth.login("unit.akreditasi")
    html = client.get("/dasbor-sla").get_data(as_text=True)
    row = re.search(rf'<tr><td><a href="/kasus/{scenario.unit_at_risk.id}">.*?</tr>', html, re.S).group(0)
    assert 'Unit Eselon II<br><span class="muted">Deputi Bidang Akreditasi</span>' in row
