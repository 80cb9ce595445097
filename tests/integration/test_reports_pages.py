"""The report pages: who may make and download an organisation's half-yearly report."""
import io
import re
from datetime import datetime, timezone

import pytest
from openpyxl import load_workbook

from app import create_app
from app.extensions import db
from app.models import PeriodicReport
from app.services.administration.demo import DEMO_PASSWORD
from app.services.organisation.accounts import SYSTEM_ADMIN_ROLE, create_user, ensure_system_roles
from app.services.organisation.calendar import calendar_for
from app.services.reporting.reports import generate_report
from tests.helpers.report_job_helpers import wait_for_reports


def _this_semester() -> tuple[int, int]:
    local = datetime.now(timezone.utc).astimezone(calendar_for("bsn").zone)
    return local.year, 1 if local.month <= 6 else 2


@pytest.mark.pdf
@pytest.mark.committed
def test_the_head_makes_a_report_and_downloads_it_in_three_formats(every_staff, client, auth):
    year, semester = _this_semester()
    auth.login("kepalabsn")
    page = client.get("/laporan").get_data(as_text=True)
    assert "Belum ada laporan untuk instansi ini." in page
    response = client.post("/laporan", data={"organisation": "bsn", "year": year, "semester": semester})
    assert response.status_code == 303
    [report] = wait_for_reports(1)  # made by a thread of this process, the embedded default
    assert (report.organisation_code, report.generated_by, report.schedule_key) == ("bsn", "kepalabsn", None)
    page = client.get(response.location).get_data(as_text=True)
    assert f"/laporan/{report.id}.pdf" in page

    pdf = client.get(f"/laporan/{report.id}.pdf")
    assert (pdf.mimetype, pdf.data[:5]) == ("application/pdf", b"%PDF-")
    assert "attachment" in pdf.headers["Content-Disposition"]
    csv = client.get(f"/laporan/{report.id}.csv")
    assert csv.data.decode("utf-8-sig").startswith("Ringkasan")
    xlsx = client.get(f"/laporan/{report.id}.xlsx")
    assert load_workbook(io.BytesIO(xlsx.data))["Ringkasan"]["A1"].value == "Ringkasan"
    assert client.get(f"/laporan/{report.id}.html").status_code == 404


def test_a_bad_request_gets_a_specific_message_and_stores_nothing(every_staff, client, auth):
    year, _ = _this_semester()
    auth.login("kepalabsn")
    page = client.post("/laporan", data={"organisation": "bsn", "year": "", "semester": "1"}).get_data(as_text=True)
    assert "Tahun wajib diisi." in page
    page = client.post("/laporan", data={"organisation": "bsn", "year": year + 1, "semester": "1"},
                       follow_redirects=True).get_data(as_text=True)
    assert f"Semester I {year + 1} belum dimulai." in page
    # Another organisation is not there for a BSN head at all.
    assert client.post("/laporan", data={"organisation": "katingan", "year": year, "semester": "1"}).status_code == 404
    assert db.session.scalar(db.select(db.func.count(PeriodicReport.id))) == 0


@pytest.mark.parametrize("username", ["unit.dpspk", "tatausaha", "instansi"])
def test_staff_who_do_not_receive_the_report_get_not_found(every_staff, client, auth, username):
    year, semester = _this_semester()
    report = generate_report(organisation_code="bsn", year=year, semester=semester, actor="cli")
    auth.login(username)
    assert client.get("/laporan").status_code == 404
    assert client.get(f"/laporan/{report.id}.pdf").status_code == 404
    assert 'href="/laporan"' not in client.get("/tugas").get_data(as_text=True)


def test_another_organisations_head_cannot_open_bsns_report(every_staff, client, auth):
    year, semester = _this_semester()
    bsn = generate_report(organisation_code="bsn", year=year, semester=semester, actor="cli")
    katingan = generate_report(organisation_code="katingan", year=year, semester=semester, actor="cli")
    auth.login("katingan.inspektur")
    assert client.get(f"/laporan/{bsn.id}.pdf").status_code == 404
    assert client.get(f"/laporan/{katingan.id}.pdf").status_code == 200
    assert client.get("/laporan?instansi=bsn").status_code == 404


def test_the_system_administrator_reads_every_organisations_reports(every_staff, client, auth):
    year, semester = _this_semester()
    report = generate_report(organisation_code="katingan", year=year, semester=semester, actor="cli")
    ensure_system_roles()
    create_user(username="sysadmin", password=DEMO_PASSWORD, roles=[SYSTEM_ADMIN_ROLE])
    auth.login("sysadmin")
    page = client.get("/laporan?instansi=katingan").get_data(as_text=True)
    assert "Inspektorat Badan Standardisasi Nasional" in page  # the organisation switcher
    assert f"/laporan/{report.id}.xlsx" in page


def test_making_a_report_needs_the_csrf_token(app, every_staff):
    protected = create_app({**app.config, "WTF_CSRF_ENABLED": True}).test_client()
    page = protected.get("/masuk").get_data(as_text=True)
    token = re.search(r'name="csrf_token" type="hidden" value="([^"]+)"', page).group(1)
    protected.post("/masuk", data={"username": "kepalabsn", "password": DEMO_PASSWORD, "csrf_token": token})
    year, semester = _this_semester()
    response = protected.post("/laporan", data={"organisation": "bsn", "year": year, "semester": semester})
    assert response.status_code == 400
    assert db.session.scalar(db.select(db.func.count(PeriodicReport.id))) == 0


@pytest.mark.parametrize(("utc", "offered"), [
    (datetime(2026, 6, 30, 14, 30, tzinfo=timezone.utc), ("2025", "2")),  # 30 June 23:30 WIT: semester I runs
    (datetime(2026, 6, 30, 15, 30, tzinfo=timezone.utc), ("2026", "1")),  # 1 July 00:30 WIT, still June in UTC
])
def test_the_form_offers_the_last_semester_ended_in_the_organisations_zone(every_staff, client, auth, monkeypatch,
                                                                          utc, offered):
    from app import clock
    from app.models import Organisation
    from app.services.organisation.calendar_revision import calendar_changed

    db.session.get(Organisation, "bsn").timezone = "Asia/Jayapura"  # WIT, UTC+9
    calendar_changed()
    db.session.commit()
    monkeypatch.setattr(clock, "now", utc.timestamp)
    auth.login("kepalabsn")
    page = client.get("/laporan").get_data(as_text=True)
    year = re.search(r'<input[^>]*name="year"[^>]*>', page).group(0)
    assert f'value="{offered[0]}"' in year
    assert re.search(rf'<option selected value="{offered[1]}"|<option value="{offered[1]}" selected', page)
