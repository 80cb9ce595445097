"""The inbox's tabs (Untuk saya, Lajur saya, Tim) with their counts, and saved filters:
one's own, shared by a head with their unit, never seen by another unit."""
import re
from datetime import datetime, timedelta, timezone

from app.extensions import db
from app.models import TaskIndexEntry
from app.services.administration.demo import DEMO_PASSWORD
from app.services.casework.cases import claim_task
from app.services.organisation.accounts import create_user
from app.services.worklist.inbox import TAB_LANES, _tab_query, capped_count
from tests.helpers.complaints import current_task_id, file_complaint, task_links


def _user(username: str, role: str, *, unit: str | None = None):
    return create_user(username=username, password=DEMO_PASSWORD, roles=[role], unit_code=unit,
                       organisation_code="bsn")


def _counts(html: str) -> dict[str, str]:
    """The tab name shown and its count badge, by tab."""
    return dict(re.findall(r'data-tab="(\w+)"[^>]*>[^<]*<span class="badge">([^<]+)</span>', html))


def test_tabs_split_my_tasks_from_my_lanes_and_heads_see_the_team(client, staff, auth):
    cases = [file_complaint(judul=f"Pengaduan {i}") for i in range(3)]
    mine = current_task_id(cases[0].id)
    claim_task(task_id=mine, actor="admin")
    _user("sari", "Admin Inspektorat")

    auth.login("admin")
    page = client.get("/tugas?tab=saya").get_data(as_text=True)
    assert task_links(page) == [mine]
    assert _counts(page) == {"saya": "1", "lajur": "2", "semua": "3"}  # no "Tim": admin heads nobody
    lanes = task_links(client.get("/tugas?tab=lajur").get_data(as_text=True))
    assert sorted(lanes) == sorted(current_task_id(c.id) for c in cases[1:])
    assert "Tidak ada tugas" in client.get("/tugas?tab=tim").get_data(as_text=True)
    auth.logout()

    auth.login("sari")
    assert _counts(client.get("/tugas").get_data(as_text=True))["saya"] == "0"
    auth.logout()

    # The head (Kepala Inspektorat: SOP 000's supervising lane) sees every task of BSN,
    # who holds it and since when, though none is in their own lane.
    auth.login("kepala")
    team = client.get("/tugas?tab=tim").get_data(as_text=True)
    assert _counts(team)["tim"] == "3"
    assert "diambil admin" in team and "dipegang 0 menit" in team
    assert team.count("belum dipegang") == 2


def test_the_team_tab_stays_inside_the_heads_organisation(client, every_staff, auth):
    file_complaint(judul="BSN")
    katingan = file_complaint(judul="Katingan", instansi="katingan")
    auth.login("katingan.inspektur")  # Inspektur heads Katingan (SOP 001's supervising lane)
    team = client.get("/tugas?tab=tim").get_data(as_text=True)
    assert task_links(team) == [] and katingan.tracking_number in team
    assert _counts(team)["tim"] == "1"


def test_counts_stop_at_the_cap(client, staff, auth):
    for i in range(4):
        file_complaint(judul=f"Pengaduan {i}")
    query = _tab_query(staff["admin"], TAB_LANES)
    assert capped_count(query, cap=2) == 3  # reads cap + 1 rows, no more
    assert capped_count(query, cap=10) == 4
    with client.application.test_request_context("/tugas"):
        shown = client.application.jinja_env.filters["task_count"]
        assert shown(1001) == "1.000+" and shown(1000) == "1.000"


def test_a_saved_filter_is_reused_and_a_head_shares_it_with_their_unit_only(client, staff, auth):
    late = file_complaint(judul="Terlambat")
    file_complaint(judul="Tepat waktu")
    entry = db.session.scalars(db.select(TaskIndexEntry).where(TaskIndexEntry.case_id == late.id)).one()
    entry.due_at = datetime.now(timezone.utc) - timedelta(hours=1)
    db.session.commit()
    _user("kepala.sestama", "Kepala Inspektorat", unit="bsn-sestama")
    _user("admin.sestama", "Admin Inspektorat", unit="bsn-sestama")
    _user("admin.dps", "Admin Inspektorat", unit="bsn-dps")

    auth.login("kepala.sestama")
    response = client.post("/tugas/filter", data={"nama": "Terlambat tim", "tab": "tim", "terlambat": "1",
                                                  "bagikan": "1"})
    assert response.status_code == 303 and "terlambat=1" in response.location
    auth.logout()

    auth.login("admin.sestama")  # same unit: sees the head's filter and it works
    page = client.get("/tugas").get_data(as_text=True)
    assert "Terlambat tim" in page and "dari kepala.sestama" in page
    [href] = re.findall(r'<a href="(/tugas\?[^"]+)">Terlambat tim</a>', page)
    assert "terlambat=1" in href
    client.post("/tugas/filter", data={"nama": "Lajur saya terlambat", "tab": "lajur", "terlambat": "1"})
    mine = client.get("/tugas").get_data(as_text=True)
    [own] = re.findall(r'<a href="(/tugas\?[^"]+)">Lajur saya terlambat</a>', mine)
    assert task_links(client.get(own.replace("&amp;", "&")).get_data(as_text=True)) == [entry.engine_task_id]
    # Sharing is for heads.
    refused = client.post("/tugas/filter", data={"nama": "Untuk unit", "tab": "lajur", "bagikan": "1"},
                          follow_redirects=True).get_data(as_text=True)
    assert "Hanya kepala yang dapat membagikan filter kepada unitnya." in refused
    auth.logout()

    auth.login("admin.dps")  # another unit sees neither
    other = client.get("/tugas").get_data(as_text=True)
    assert "Terlambat tim" not in other and "Lajur saya terlambat" not in other
    auth.logout()

    auth.login("admin")  # no unit: only their own filters (none)
    assert "Filter tersimpan" not in client.get("/tugas").get_data(as_text=True)


def test_a_filter_name_is_needed_once_and_only_its_owner_deletes_it(client, staff, auth):
    auth.login("admin")
    client.post("/tugas/filter", data={"nama": "Semua", "tab": "semua"})
    again = client.post("/tugas/filter", data={"nama": "Semua", "tab": "semua"}, follow_redirects=True)
    assert "Anda sudah punya filter bernama \u201cSemua\u201d." in again.get_data(as_text=True)
    empty = client.post("/tugas/filter", data={"nama": "  "}, follow_redirects=True)
    assert "Beri nama filter ini." in empty.get_data(as_text=True)
    filter_id = re.search(r"/tugas/filter/(\d+)/hapus", client.get("/tugas").get_data(as_text=True)).group(1)
    auth.logout()
    auth.login("tatausaha")
    assert client.post(f"/tugas/filter/{filter_id}/hapus").status_code == 404
    auth.logout()
    auth.login("admin")
    client.post(f"/tugas/filter/{filter_id}/hapus")
    assert "Filter tersimpan" not in client.get("/tugas").get_data(as_text=True)
