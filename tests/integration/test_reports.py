"""The half-yearly report (SOP 000/001 step 9): made from cases that went through the real
services, then read back the way its reader would: the CSV in a spreadsheet, the XLSX, the
PDF's text. The complainant's identity appears in none of them."""
import csv
import io
from datetime import datetime, timedelta, timezone

import pytest
from openpyxl import load_workbook
from pypdf import PdfReader

from app.engine import WorkingCalendar
from app.extensions import db
from app.models import AuditEvent, PeriodicReport
from app.services.organisation.calendar import calendar_for
from app.services.reporting.report_data import working_days_between
from app.services.reporting.reports import generate_report
from tests.helpers.complaints import COMPLAINANT
from tests.helpers.reports_scenario import build_scenario


def _this_semester() -> tuple[int, int]:
    local = datetime.now(timezone.utc).astimezone(calendar_for("bsn").zone)
    return local.year, 1 if local.month <= 6 else 2


def _csv_sections(content: bytes) -> dict[str, dict[str, list[str]]]:
    """{section title: {first cell: the row}} as a spreadsheet program would show it."""
    rows = list(csv.reader(io.StringIO(content.decode("utf-8-sig")), delimiter=";"))
    sections, title = {}, None
    for row in rows:
        if not row:
            title = None
        elif title is None:
            title = row[0]
            sections[title] = {}
        else:
            sections[title][row[0]] = row
    return sections


def _pdf_text(content: bytes) -> str:
    return " ".join(" ".join((page.extract_text() or "").split()) for page in PdfReader(io.BytesIO(content)).pages)


@pytest.fixture
def report(staff):
    scenario = build_scenario()
    year, semester = _this_semester()
    made = generate_report(organisation_code="bsn", year=year, semester=semester, actor="kepalabsn")
    return scenario, db.session.get(PeriodicReport, made.id)


def test_the_csv_counts_what_happened_in_the_semester(report):
    scenario, stored = report
    sections = _csv_sections(stored.csv)
    summary = sections["Ringkasan"]
    assert summary["Kasus diterima"][1] == "6"  # Katingan's linked case is Katingan's
    assert summary["Di antaranya laporan rahasia"][1] == "1"
    assert summary["Kasus diterima, angka untuk publikasi (tanpa laporan rahasia)"][1] == "5"
    assert summary["Batas waktu terpenuhi"][1] == "1"
    assert summary["Batas waktu terlewati"][1] == "1"
    assert summary["Eskalasi karena batas waktu lewat"][1] == "1"
    assert summary["Kasus terbuka berisiko (jatuh tempo dalam 3 hari kerja)"][1] == "1"
    assert summary["Kasus terbuka melewati batas waktu"][1] == "1"

    counts = {title: {k: int(v[1]) for k, v in rows.items() if k != "Uraian"}
              for title, rows in sections.items() if title.startswith("Menurut")}
    assert counts["Menurut jenis laporan"] == {"Pengaduan": 4, "Aspirasi": 1, "Permintaan informasi": 1}
    assert counts["Menurut rute penanganan"] == {
        "Tindak lanjut unit kerja": 3, "Tindak lanjut pengawasan (berkadar pengawasan)": 1,
        "Tidak ditindaklanjuti": 1, "Diteruskan ke instansi lain": 1}
    assert counts["Menurut unit kerja"] == {
        "Belum disalurkan ke unit": 3, "Deputi Bidang Penerapan Standar dan Penilaian Kesesuaian": 2,
        "Deputi Bidang Akreditasi": 1}
    assert counts["Menurut status saat ini"]["Tindak lanjut"] == 3  # A (the head's answer), E, F
    assert sum(counts["Menurut status saat ini"].values()) == 6

    steps = sections["Waktu penyelesaian dan batas waktu per langkah"]
    verification = steps["2. Mencatat dan verifikasi laporan"]
    assert verification[2] == "6"  # completed six times
    unit = next(row for row in steps.values() if row[1] == "Unit Eselon II")
    assert (unit[5], unit[6]) == ("0", "1")  # B: late
    at_risk = sections["Tugas terbuka berisiko (jatuh tempo dalam 3 hari kerja)"]
    overdue = sections["Tugas terbuka melewati batas waktu"]
    assert set(at_risk) - {"Nomor pelacakan"} == {scenario.unit_at_risk.tracking_number}
    assert set(overdue) - {"Nomor pelacakan"} == {scenario.unit_overdue.tracking_number}


def test_the_xlsx_has_the_same_figures_one_sheet_per_table(report):
    scenario, stored = report
    workbook = load_workbook(io.BytesIO(stored.xlsx))
    assert workbook.sheetnames == ["Ringkasan", "Jenis", "Rute", "Status", "Unit", "Langkah", "Berisiko", "Terlambat"]
    summary = {row[0]: row[1] for row in workbook["Ringkasan"].iter_rows(min_row=3, values_only=True)}
    assert (summary["Kasus diterima"], summary["Batas waktu terpenuhi"], summary["Batas waktu terlewati"]) == (6, 1, 1)
    types = {row[0]: row[1] for row in workbook["Jenis"].iter_rows(min_row=3, values_only=True)}
    assert types == {"Pengaduan": 4, "Aspirasi": 1, "Permintaan informasi": 1}
    overdue = [row[0] for row in workbook["Terlambat"].iter_rows(min_row=3, values_only=True)]
    assert overdue == [scenario.unit_overdue.tracking_number]


@pytest.mark.pdf
def test_the_pdf_states_the_headline_numbers_and_no_identity(report):
    scenario, stored = report
    text = _pdf_text(stored.pdf)
    year, semester = _this_semester()
    assert "Inspektorat Badan Standardisasi Nasional" in text
    assert f"Semester {'I' if semester == 1 else 'II'} {year}" in text
    assert "Kasus diterima 6" in text
    assert "Di antaranya laporan rahasia 1" in text
    assert "Batas waktu terpenuhi 1" in text and "Batas waktu terlewati 1" in text
    assert scenario.unit_overdue.tracking_number in text and scenario.unit_at_risk.tracking_number in text
    assert "Disampaikan kepada: Kepala BSN" in text
    assert "Halaman 1 dari" in text
    for content in (text, stored.csv.decode("utf-8-sig")):
        for secret in (COMPLAINANT["nama_lengkap"], COMPLAINANT["nik"], COMPLAINANT["email"], COMPLAINANT["judul"]):
            assert secret not in content


def test_generation_is_audited_and_a_semester_without_cases_reports_zero(report):
    year, semester = _this_semester()
    earlier = (year, 1) if semester == 2 else (year - 1, 2)
    empty = generate_report(organisation_code="bsn", year=earlier[0], semester=earlier[1], actor="kepalabsn")
    assert empty.summary["total"] == 0
    assert empty.summary["deadlines_met"] == 0
    assert empty.summary["overdue"] == 1  # open cases are as of now, whatever the period
    events = db.session.scalars(db.select(AuditEvent).where(AuditEvent.action == "report.generated")
                                .order_by(AuditEvent.id)).all()
    assert [(e.actor, e.data_after["year"], e.data_after["semester"], e.data_after["total"]) for e in events] == [
        ("kepalabsn", year, semester, 6), ("kepalabsn", earlier[0], earlier[1], 0)]


def test_a_future_semester_or_unknown_organisation_is_refused_with_a_reason(staff):
    from app.services.reporting.reports import ReportError

    year, _ = _this_semester()
    with pytest.raises(ReportError, match="belum dimulai"):
        generate_report(organisation_code="bsn", year=year + 1, semester=1, actor="kepalabsn")
    with pytest.raises(ReportError, match="Instansi tidak dikenal"):
        generate_report(organisation_code="ombudsman", year=year, semester=1, actor="kepalabsn")
    with pytest.raises(ReportError, match="Semester harus"):
        generate_report(organisation_code="bsn", year=year, semester=3, actor="kepalabsn")
    assert db.session.scalar(db.select(db.func.count(PeriodicReport.id))) == 0


def test_working_days_skip_the_weekend():
    calendar = WorkingCalendar()  # Monday to Friday, WIB
    friday_noon = datetime(2026, 11, 20, 5, 0, tzinfo=timezone.utc)  # 12:00 WIB
    assert working_days_between(friday_noon, friday_noon + timedelta(days=3), calendar=calendar) == pytest.approx(1.0)


@pytest.mark.pdf
def test_the_cli_generates_and_stores_a_report(staff, runner):
    year, semester = _this_semester()
    result = runner.invoke(args=["reports", "generate", "--org", "bsn", "--year", str(year), "--semester",
                                 str(semester)])
    assert result.exit_code == 0, result.output
    assert "0 kasus" in result.output
    [stored] = db.session.scalars(db.select(PeriodicReport)).all()
    assert (stored.organisation_code, stored.generated_by, stored.pdf[:5]) == ("bsn", "cli", b"%PDF-")
    refused = runner.invoke(args=["reports", "generate", "--org", "bsn", "--year", str(year + 1), "--semester", "1"])
    assert refused.exit_code != 0 and "belum dimulai" in refused.output
