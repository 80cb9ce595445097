"""The SLA dashboard: heads see the open cases they may see, per lane and step, with
what is at risk and what is overdue; a unit head sees only their unit's cases."""
import re

import pytest

from app.services.administration.demo import DEMO_PASSWORD
from app.services.organisation.accounts import SYSTEM_ADMIN_ROLE, create_user, ensure_system_roles
from app.services.reporting.sla import dashboard
from tests.helpers.reports_scenario import build_scenario


@pytest.fixture
def scenario(every_staff):
    return build_scenario()


def _figures(html: str) -> tuple[int, int, int]:
    return tuple(int(re.search(rf'id="{name}"[^>]*>(\d+)<', html).group(1))
                 for name in ("open-cases", "at-risk-cases", "overdue-cases"))


def _row(html: str, step: str) -> list[str]:
    row = re.search(rf'<tr data-step="{step}">(.*?)</tr>', html, re.S).group(1)
    return [re.sub(r"<[^>]+>", "", cell).strip() for cell in re.findall(r"<td>(.*?)</td>", row, re.S)]


def test_the_head_of_inspectorate_sees_every_open_case_of_bsn(scenario, client, auth):
    auth.login("kepala")
    html = client.get("/dasbor-sla").get_data(as_text=True)
    # Open: A (the head's answer), B (closing), E, F; C and D have ended.
    assert _figures(html) == (4, 1, 1)
    unit = _row(html, "tugas_tindak_lanjut_unit")
    assert (unit[1], unit[3:]) == ("Unit Eselon II", ["2", "1", "1"])  # E at risk, F overdue
    assert "<svg" in html and "<script" not in html
    assert "Inspektorat Kabupaten Katingan" not in html  # the linked case there is Katingan's


def test_a_unit_head_sees_only_their_units_cases(scenario, client, auth):
    auth.login("unit.akreditasi")
    html = client.get("/dasbor-sla").get_data(as_text=True)
    assert _figures(html) == (1, 1, 0)  # E only
    assert f'<a href="/kasus/{scenario.unit_at_risk.id}">{scenario.unit_at_risk.tracking_number}</a>' in html
    assert scenario.unit_overdue.tracking_number not in html
    assert _row(html, "tugas_tindak_lanjut_unit")[3:] == ["1", "1", "0"]
    auth.logout()

    auth.login("unit.dpspk")
    html = client.get("/dasbor-sla").get_data(as_text=True)
    assert _figures(html) == (2, 0, 1)  # B (now closing) and F (overdue, escalated)
    assert _row(html, "tugas_tindak_lanjut_unit")[3:] == ["1", "0", "1"]
    assert scenario.unit_overdue.tracking_number in html and scenario.unit_at_risk.tracking_number not in html


def test_the_service_counts_a_case_once_by_its_most_urgent_task(scenario, every_staff):
    board = dashboard(user=every_staff["kepala"])
    escalation = [r for r in board.rows if r.element_id.startswith("eskalasi_")]
    assert [(r.lane, r.open, r.overdue) for r in escalation] == [("Kepala Inspektorat", 1, 0)]
    assert board.overdue_cases == 1  # F has two open tasks; it is one overdue case
    lanes = {lane: (open_, at_risk, overdue) for lane, open_, at_risk, overdue in board.lanes()}
    assert lanes["Unit Eselon II"] == (2, 1, 1)


def test_the_system_administrator_sees_every_organisation(scenario, client, auth):
    ensure_system_roles()
    create_user(username="sysadmin", password=DEMO_PASSWORD, roles=[SYSTEM_ADMIN_ROLE])
    auth.login("sysadmin")
    html = client.get("/dasbor-sla").get_data(as_text=True)
    assert _figures(html)[0] == 5  # bsn's four and Katingan's linked case
    assert "Inspektorat Kabupaten Katingan" in html


@pytest.mark.parametrize("username", ["admin", "tatausaha"])
def test_other_staff_get_not_found(scenario, client, auth, username):
    auth.login(username)
    assert client.get("/dasbor-sla").status_code == 404
    assert 'href="/dasbor-sla"' not in client.get("/tugas").get_data(as_text=True)


def test_another_organisations_head_sees_none_of_bsns_cases(scenario, client, auth):
    auth.login("katingan.inspektur")
    html = client.get("/dasbor-sla").get_data(as_text=True)
    assert _figures(html) == (1, 0, 0)  # the linked case forwarded to Katingan, nothing of BSN's
    assert "Inspektorat Badan Standardisasi Nasional" not in html
