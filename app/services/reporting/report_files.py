"""A half-yearly report's figures as files: PDF (WeasyPrint), CSV and XLSX (openpyxl).

All three are built from the same tables, in Indonesian (the report goes to the agency's
head), so they cannot disagree. Open cases appear by tracking number only."""
import csv
import io
from dataclasses import dataclass
from zoneinfo import ZoneInfo

from flask import render_template

from app.services.casefile.presentation import local_time, long_date, number, zone_abbreviation
from app.services.reporting.report_data import ReportData


@dataclass(frozen=True)
class Table:
    sheet: str  # the XLSX sheet's name (at most 31 characters)
    title: str
    headers: tuple[str, ...]
    rows: list[tuple]


def _hari(value: float | None) -> str | float:
    return "" if value is None else value


def tables(data: ReportData) -> list[Table]:
    zone = ZoneInfo(data.zone)

    def local(moment) -> str:  # with WIB/WITA/WIT, as every time people read
        return local_time(moment, zone=zone)

    counts = ("Uraian", "Jumlah kasus")
    open_headers = ("Nomor pelacakan", "Langkah", "Lajur", "Unit", "Batas waktu", "Sisa hari kerja")
    return [
        Table("Ringkasan", "Ringkasan", ("Uraian", "Nilai"), [
            ("Instansi", data.organisation_name),
            ("Periode", f"{data.period.label} ({data.period.first_day.isoformat()} s.d. {data.period.last_day.isoformat()})"),
            ("Dibuat", local(data.generated_at)),
            ("Kasus diterima", data.total),
            ("Di antaranya laporan rahasia", data.confidential),
            ("Kasus diterima, angka untuk publikasi (tanpa laporan rahasia)", data.public_total),
            ("Batas waktu terpenuhi", data.deadlines_met),
            ("Batas waktu terlewati", data.deadlines_missed),
            ("Eskalasi karena batas waktu lewat", data.escalations),
            (f"Kasus terbuka berisiko (jatuh tempo dalam {data.at_risk_days} hari kerja)", data.at_risk_cases),
            ("Kasus terbuka melewati batas waktu", data.overdue_cases),
        ]),
        Table("Jenis", "Menurut jenis laporan", counts, data.by_type),
        Table("Rute", "Menurut rute penanganan", counts, data.by_route),
        Table("Status", "Menurut status saat ini", counts, data.by_status),
        Table("Unit", "Menurut unit kerja", counts, data.by_unit),
        Table("Langkah", "Waktu penyelesaian dan batas waktu per langkah",
              ("Langkah", "Lajur", "Selesai", "Median (jam)", "Median (hari kerja)", "Tepat waktu", "Terlambat"),
              [(s.title, s.lane, s.completed, _hari(s.median_hours), _hari(s.median_working_days), s.met, s.missed)
               for s in data.steps]),
        Table("Berisiko", f"Tugas terbuka berisiko (jatuh tempo dalam {data.at_risk_days} hari kerja)", open_headers,
              [(t.tracking_number, t.step, t.lane, t.unit, local(t.due_at), t.working_days_left) for t in data.at_risk]),
        Table("Terlambat", "Tugas terbuka melewati batas waktu", open_headers,
              [(t.tracking_number, t.step, t.lane, t.unit, local(t.due_at), t.working_days_left) for t in data.overdue]),
    ]


def report_csv(data: ReportData) -> bytes:
    """Each table in turn: its title, its header row, its rows, an empty line. UTF-8 with
    a byte-order mark and semicolons, which is what spreadsheet programs set to Indonesian
    expect."""
    out = io.StringIO()
    writer = csv.writer(out, delimiter=";")
    for table in tables(data):
        writer.writerow([table.title])
        writer.writerow(table.headers)
        writer.writerows(table.rows)
        writer.writerow([])
    return ("\ufeff" + out.getvalue()).encode("utf-8")


def report_xlsx(data: ReportData) -> bytes:
    # openpyxl (with Pillow) is ~12 MB that every web worker would otherwise hold from
    # start for a file made a few times a semester: loaded when an XLSX is made.
    from openpyxl import Workbook
    from openpyxl.styles import Font

    workbook = Workbook()
    workbook.remove(workbook.worksheets[0])  # the empty sheet a new workbook starts with
    for table in tables(data):
        sheet = workbook.create_sheet(table.sheet)
        sheet.append([table.title])
        sheet["A1"].font = Font(bold=True)
        sheet.append(list(table.headers))
        for cell in sheet[2]:
            cell.font = Font(bold=True)
        for row in table.rows:
            sheet.append(list(row))
        sheet.column_dimensions["A"].width = 48
    out = io.BytesIO()
    workbook.save(out)
    return out.getvalue()


def report_pdf(data: ReportData) -> bytes:
    from weasyprint import HTML  # heavy; loaded only when a PDF is made

    zone = ZoneInfo(data.zone)
    html = render_template("pdf/report_semester.html", data=data, tables=tables(data),
                           printed=local_time(data.generated_at, zone=zone),
                           zone_name=zone_abbreviation(zone), day=lambda d: long_date(d, lang="id"),
                           number=lambda value: number(value, lang="id"))
    return HTML(string=html).write_pdf()
