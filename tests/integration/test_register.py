"""The case register (/kasus, GET /api/v1/cases): who sees which case, filters, paging,
bad input; on both databases."""
import re
from datetime import date, datetime, timedelta, timezone

import flask_babel
import pytest

from app.extensions import db
from app.models import Case, User
from app.services.casework.cases import claim_task
from app.services.intake.tracking import status_label
from app.services.organisation.access import can_view_case
from app.services.reporting.register import parse_query, register_page
from tests.helpers.identity_helpers import bearer
from tests.helpers.register_scenario import build, waiting_task

API = "/api/v1"


@pytest.fixture
def scenario(every_staff):
    return build(every_staff)


def _listed(html: str) -> set[str]:
    return set(re.findall(r">(DUMAS-\d{4}-\d{6})</a>", html))


def _page(client, auth, username: str, **params) -> set[str]:
    auth.login(username)
    response = client.get("/kasus", query_string=params)
    auth.logout()
    assert response.status_code == 200, response.get_data(as_text=True)[:500]
    return _listed(response.get_data(as_text=True))


def _api(client, username: str, **params) -> dict:
    response = client.get(f"{API}/cases", query_string=params, headers=bearer(client, username))
    assert response.status_code == 200, response.json
    return response.json


def test_a_unit_user_sees_only_the_cases_routed_to_their_unit(client, auth, scenario):
    assert _page(client, auth, "unit.dpspk") == {scenario.routed.tracking_number}
    assert _page(client, auth, "unit.akreditasi") == set()
    assert [i["tracking_number"] for i in _api(client, "unit.dpspk")["items"]] == [scenario.routed.tracking_number]


def test_katingan_staff_see_no_bsn_case_and_a_national_role_sees_all(client, auth, scenario):
    assert _page(client, auth, "katingan.inspektur") == {scenario.katingan.tracking_number}
    assert _page(client, auth, "nasional") == {c.tracking_number for c in scenario.all()}
    assert _api(client, "nasional", organisation="katingan")["count"] == 1


def test_the_register_lists_exactly_the_cases_each_user_may_open(app_context, scenario):
    """For every account: the register's cases are those the case page lets them open."""
    cases = db.session.scalars(db.select(Case)).all()
    for user in db.session.scalars(db.select(User)):
        page = register_page(parse_query({"limit": "200"}), user=user)
        assert set(page.case_ids) == {c.id for c in cases if can_view_case(user, c)}, user.username
        assert page.count == len(page.case_ids)


def test_search_by_tracking_number_with_or_without_prefix(client, scenario):
    number = scenario.queue.tracking_number
    for typed in (number, number.removeprefix("DUMAS-"), number.lower()):
        assert [i["id"] for i in _api(client, "admin", q=typed)["items"]] == [scenario.queue.id], typed


def test_full_text_finds_a_word_of_the_description_and_of_a_staff_output(client, auth, scenario):
    assert _page(client, auth, "kepala", q="sertifikasi") == {scenario.queue.tracking_number}
    assert _page(client, auth, "kepala", q="Serpong") == {scenario.queue.tracking_number}
    # Only the review memo (a staff output) says it.
    assert _page(client, auth, "kepala", q="gratifikasi") == {scenario.routed.tracking_number}
    assert _page(client, auth, "kepala", q="kata-yang-tidak-ada") == set()
    # Katingan's words are not found by BSN staff.
    assert _page(client, auth, "kepala", q="desa") == set()


def test_postgresql_stems_indonesian_affixes(client, auth, scenario, app):
    if not app.config["SQLALCHEMY_DATABASE_URI"].startswith("postgresql"):
        pytest.skip("the indonesian configuration is PostgreSQL's")
    # "pungutan" (title), "memungut" (description) and "dipungut" share the stem "pungut".
    assert _page(client, auth, "kepala", q="dipungut") == {scenario.routed.tracking_number}


def test_filters(client, app_context, scenario):
    admin = "admin"
    assert {i["id"] for i in _api(client, admin, type="aspirasi")["items"]} == {scenario.queue.id}
    assert {i["id"] for i in _api(client, admin, status="tindak_lanjut")["items"]} == {scenario.routed.id}
    assert {i["id"] for i in _api(client, admin, unit="bsn-dpspk")["items"]} == {scenario.routed.id}
    assert {i["id"] for i in _api(client, admin, lane="Unit Eselon II")["items"]} == {scenario.routed.id}
    assert {i["id"] for i in _api(client, admin, confidentiality="rahasia")["items"]} == {scenario.secret.id}
    assert _api(client, admin, channel="telepon")["items"] == []
    assert len(_api(client, admin, channel="web")["items"]) == 3
    assert _api(client, admin, process="sop_001")["items"] == []
    today = datetime.now(timezone.utc).astimezone(timezone(timedelta(hours=7))).date()
    assert len(_api(client, admin, received_from=today.isoformat(), received_to=today.isoformat())["items"]) == 3
    assert _api(client, admin, received_to=(today - timedelta(days=1)).isoformat())["items"] == []
    claim_task(task_id=waiting_task(scenario.queue).engine_task_id, actor="admin")
    db.session.commit()
    [claimed] = _api(client, admin, claimed_by="admin")["items"]
    assert claimed["id"] == scenario.queue.id and claimed["claimed_by"] == ["admin"]
    # Nothing is overdue now; a month on, every case waiting on a deadline is.
    assert _api(client, admin, deadline="overdue")["items"] == []
    user = db.session.scalars(db.select(User).where(User.username == admin)).one()
    later = datetime.now(timezone.utc) + timedelta(days=60)
    overdue = register_page(parse_query({"deadline": "overdue"}), user=user, now=later).case_ids
    assert set(overdue) == {c.id for c in (scenario.routed, scenario.queue, scenario.secret) if waiting_task(c).due_at}


def test_sorting_and_keyset_pages(client, scenario):
    seen, cursor = [], None
    while True:
        params = {"limit": 1, "sort": "received"} | ({"cursor": cursor} if cursor else {})
        page = _api(client, "nasional", **params)
        seen += [i["id"] for i in page["items"]]
        cursor = page["next_cursor"]
        if not cursor:
            break
    assert seen == sorted(c.id for c in scenario.all())
    newest_first = [i["id"] for i in _api(client, "nasional")["items"]]
    assert newest_first == sorted(seen, reverse=True)
    statuses = [i["status"] for i in _api(client, "nasional", sort="status")["items"]]
    assert statuses == sorted(statuses)
    dues = [i["due_at"] for i in _api(client, "nasional", sort="due")["items"]]
    with_due = [d for d in dues if d]
    assert with_due and with_due == sorted(with_due) and dues == with_due + [None] * (len(dues) - len(with_due))


def test_rows_read_as_labels_with_the_zone(client, scenario):
    [row] = _api(client, "admin", q=scenario.queue.tracking_number)["items"]
    assert row["status_label"] == status_label(row["status"], lang="id") != row["status"]
    assert row["type_label"] == "Aspirasi" and row["channel_label"] == "Situs web"
    assert row["received_label"].endswith(" WIB") and row["confidentiality_label"] == "Biasa"
    assert row["complainant"] == "Budi Santoso"


def test_bad_input_is_a_400_naming_it_in_the_users_language(client, auth, scenario):
    response = client.get(f"{API}/cases", query_string={"received_from": "kemarin"}, headers=bearer(client, "admin"))
    assert response.status_code == 400
    assert response.json["errors"] == {"received_from": "Tanggal 'received_from' harus berformat TTTT-BB-HH."}
    headers = bearer(client, "admin")
    flask_babel.refresh()  # the fixtures' app context keeps the locale of the first request
    response = client.get(f"{API}/cases?lang=en&cursor=xyz", headers=headers)
    assert response.status_code == 400 and "first page" in response.json["message"]
    flask_babel.refresh()
    auth.login("admin")
    response = client.get("/kasus", query_string={"type": "keluhan", "lang": "id"})
    assert response.status_code == 400 and "Jenis laporan tidak dikenal." in response.get_data(as_text=True)
    assert client.get("/kasus", query_string={"received_from": "0001-01-01"}).status_code == 400


def test_the_register_needs_a_login(client, scenario):
    assert client.get("/kasus").status_code in (302, 401)
    assert client.get(f"{API}/cases").status_code == 401
    assert date.today()  # the page exists for logged-in staff only
