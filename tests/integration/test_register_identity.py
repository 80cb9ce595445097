"""The register's search and export never reveal a complainant to a reader who may not
see them (app/services/organisation/identity.py): not by a hit, a count or an order."""
import csv
import io
from urllib.parse import quote_plus

import pytest
from openpyxl import load_workbook

from app.extensions import db
from app.models import CaseRecord
from tests.helpers.identity_helpers import IDENTITY, bearer
from tests.helpers.register_scenario import build

API = "/api/v1"
NOBODY_NIK = "3273019999990001"  # no complainant has it


@pytest.fixture
def scenario(every_staff):
    return build(every_staff)


def _search(client, username: str, q: str):
    response = client.get(f"{API}/cases", query_string={"q": q}, headers=bearer(client, username))
    assert response.status_code == 200, response.json
    return response.json


@pytest.mark.parametrize("value", [IDENTITY["nik"], IDENTITY["email"], IDENTITY["no_hp"], "081377778888",
                                   "Wulandari", IDENTITY["nama_lengkap"]])
def test_a_hidden_identity_searched_for_answers_as_a_value_nobody_has(client, auth, scenario, value):
    # The confidential complainant: Kepala Inspektorat sees the case, not who filed it.
    assert _search(client, "kepala", value) == _search(client, "kepala", NOBODY_NIK) == {
        "items": [], "count": 0, "count_capped": False, "count_cap": 200, "next_cursor": None}
    auth.login("kepala")
    page = client.get("/kasus", query_string={"q": value}).get_data(as_text=True)
    nobody = client.get("/kasus", query_string={"q": NOBODY_NIK}).get_data(as_text=True)
    assert page.replace(quote_plus(value), quote_plus(NOBODY_NIK)).replace(value, NOBODY_NIK) == nobody
    # The admin lane, who may see it, finds the case by it.
    assert [i["id"] for i in _search(client, "admin", value)["items"]] == [scenario.secret.id]


def test_a_visible_identity_is_searchable_by_everyone_who_sees_the_case(client, scenario):
    # Budi Santoso filed the other cases as "biasa": the head of the inspectorate sees him.
    found = {i["id"] for i in _search(client, "kepala", "3273011204850003")["items"]}
    assert found == {scenario.routed.id, scenario.queue.id}
    # Katingan staff find only Katingan's case he filed.
    assert [i["id"] for i in _search(client, "katingan.inspektur", "3273011204850003")["items"]] == [
        scenario.katingan.id]


def test_an_identity_copied_into_a_staff_output_is_not_searchable_by_others(client, app_context, scenario):
    db.session.add(CaseRecord(case_id=scenario.secret.id, title="Catatan", author="admin",
                              content=[{"label": "Catatan", "value": f"Pelapor {IDENTITY['nik']} menelepon lagi."}]))
    db.session.commit()
    assert _search(client, "kepala", IDENTITY["nik"])["items"] == []
    # The rest of the note is searchable.
    assert [i["id"] for i in _search(client, "kepala", "menelepon")["items"]] == [scenario.secret.id]


def _csv(client, **params) -> list[list[str]]:
    response = client.get("/kasus/ekspor.csv", query_string=params)
    assert response.status_code == 200 and response.mimetype == "text/csv"
    return list(csv.reader(io.StringIO(response.get_data(as_text=True).lstrip("\ufeff"))))


BASE_COLUMNS = ["Nomor pelacakan", "Judul", "Instansi", "Proses (SOP)", "Status", "Diterima", "Batas waktu",
                "Terlambat", "Langkah saat ini", "Lajur", "Unit kerja", "Diambil oleh", "Kanal", "Jenis laporan",
                "Kerahasiaan"]
IDENTITY_COLUMNS = ["Nama pelapor", "NIK", "E-mail", "Nomor HP"]


def test_export_columns_follow_who_may_see_the_identity(client, auth, scenario):
    number = scenario.secret.tracking_number
    auth.login("kepala")
    header, row = _csv(client, q=number)
    assert header == BASE_COLUMNS
    assert row[0] == number and row[14] == "Rahasia" and row[5].endswith(" WIB") and row[7] in ("Ya", "Tidak")
    assert not any(secret in ",".join(row) for secret in IDENTITY.values())
    auth.logout()
    auth.login("admin")
    header, row = _csv(client, q=number)
    assert header == BASE_COLUMNS + IDENTITY_COLUMNS
    assert row[-4:] == [IDENTITY["nama_lengkap"], IDENTITY["nik"], IDENTITY["email"], IDENTITY["no_hp"]]
    # The whole register: one row per visible case, in the page's order (newest first).
    rows = _csv(client)[1:]
    assert [r[0] for r in rows] == [c.tracking_number for c in (scenario.secret, scenario.queue, scenario.routed)]


def test_export_xlsx_has_the_same_table(client, auth, scenario):
    auth.login("kepala")
    response = client.get("/kasus/ekspor.xlsx", query_string={"q": scenario.queue.tracking_number})
    assert response.status_code == 200
    sheet = load_workbook(io.BytesIO(response.data)).active
    values = [[c.value for c in row] for row in sheet.iter_rows()]
    assert values[0] == BASE_COLUMNS + IDENTITY_COLUMNS
    assert values[1][0] == scenario.queue.tracking_number and values[1][13] == "Aspirasi"
    assert values[1][-4] == "Budi Santoso"
    assert client.get("/kasus/ekspor.pdf").status_code == 404


@pytest.mark.parametrize("threshold", ["SEARCH_PROBE", "COMMON_WORD"])
def test_a_common_word_takes_the_per_row_path_with_the_same_answers(client, scenario, monkeypatch, threshold):
    """Past SEARCH_PROBE hits the register tests each row instead of listing ids, and a
    single word the statistics put in more than COMMON_WORD cases is not even listed;
    with either threshold below any count every search takes that path and must answer
    the same."""
    from app.services.reporting import register_search

    monkeypatch.setattr(register_search, threshold, -1)
    assert [i["id"] for i in _search(client, "kepala", "sertifikasi")["items"]] == [scenario.queue.id]
    assert [i["id"] for i in _search(client, "kepala", "gratifikasi")["items"]] == [scenario.routed.id]
    assert _search(client, "kepala", IDENTITY["nik"]) == _search(client, "kepala", NOBODY_NIK)
    assert _search(client, "kepala", IDENTITY["nik"])["items"] == []
    assert [i["id"] for i in _search(client, "admin", IDENTITY["nik"])["items"]] == [scenario.secret.id]
    assert {i["id"] for i in _search(client, "kepala", "Budi")["items"]} == {scenario.routed.id, scenario.queue.id}


def test_a_full_text_search_counts_only_so_far_and_says_so(client, auth, scenario, monkeypatch):
    """Every word search stops counting at SEARCH_COUNT_CAP (a tracking number at
    COUNT_CAP), whoever searches for whatever: where it stops tells nothing."""
    from app.services.reporting import register

    monkeypatch.setattr(register, "SEARCH_COUNT_CAP", 1)
    found = _search(client, "nasional", "loket")  # several cases mention the counter
    assert len(found["items"]) > 1 and (found["count"], found["count_capped"], found["count_cap"]) == (1, True, 1)
    assert _search(client, "kepala", IDENTITY["nik"])["count_cap"] == _search(client, "admin", IDENTITY["nik"])["count_cap"]
    number = _search(client, "nasional", scenario.queue.tracking_number)
    assert (number["count"], number["count_cap"]) == (1, register.COUNT_CAP)
    auth.login("nasional")
    assert "Lebih dari 1 kasus" in client.get("/kasus", query_string={"q": "loket"}).get_data(as_text=True)
