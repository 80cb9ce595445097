"""The filtered register as a file (CSV or XLSX): the same rows and labels as the page,
the complainant's identity columns only when the reader may see at least one of the
identities exported, and then blank for every row whose identity they may not see."""
import csv
import io
import re
from collections.abc import Callable
from datetime import datetime, timezone

from flask_babel import gettext as _

from app.extensions import db
from app.models import User
from app.services.reporting.register import RegisterQuery, base_query, register_order
from app.services.reporting.register_rows import RegisterRow, register_rows

EXPORT_LIMIT = 20000
_CHUNK = 500
FORMATS = ("csv", "xlsx")
_NUMBER = re.compile(r"[+-]?[0-9][0-9 .-]*")


def _columns() -> list[tuple[str, Callable[[RegisterRow], object]]]:
    yes, no = _("Ya"), _("Tidak")
    return [
        (_("Nomor pelacakan"), lambda r: r.tracking_number),
        (_("Judul"), lambda r: r.title),
        (_("Instansi"), lambda r: r.organisation),
        (_("Proses (SOP)"), lambda r: r.process),
        (_("Status"), lambda r: r.status),
        (_("Diterima"), lambda r: r.received),
        (_("Batas waktu"), lambda r: r.due),
        (_("Terlambat"), lambda r: yes if r.overdue else no),
        (_("Langkah saat ini"), lambda r: "; ".join(r.steps)),
        (_("Lajur"), lambda r: "; ".join(r.lanes)),
        (_("Unit kerja"), lambda r: "; ".join(r.units)),
        (_("Diambil oleh"), lambda r: "; ".join(r.claimed_by)),
        (_("Kanal"), lambda r: r.channel),
        (_("Jenis laporan"), lambda r: r.type),
        (_("Kerahasiaan"), lambda r: r.confidentiality),
    ]


def _identity_columns() -> list[tuple[str, Callable[[RegisterRow], object]]]:
    def value(name):
        return lambda r: (r.identity or {}).get(name, "")
    return [(_("Nama pelapor"), lambda r: r.identity["nama_lengkap"] if r.identity else r.complainant),
            (_("NIK"), value("nik")), (_("E-mail"), value("email")), (_("Nomor HP"), value("no_hp"))]


def export_rows(query: RegisterQuery, *, user: User, lang: str) -> list[RegisterRow]:
    """Every matching row in the register's order, up to EXPORT_LIMIT."""
    now = datetime.now(timezone.utc)
    ids = list(db.session.scalars(base_query(query.without_cursor(), user=user, now=now)
                                  .order_by(*register_order(query.sort)).limit(EXPORT_LIMIT)))
    rows: list[RegisterRow] = []
    for start in range(0, len(ids), _CHUNK):
        rows += register_rows(ids[start:start + _CHUNK], viewer=user, lang=lang, now=now)
    return rows


def _table(rows: list[RegisterRow]) -> tuple[list[str], list[list[str]]]:
    columns = _columns()
    if any(r.identity is not None for r in rows):
        columns += _identity_columns()
    return [name for name, _get in columns], [[str(get(r)) for _name, get in columns] for r in rows]


def _inert(value: str) -> str:
    """A cell a spreadsheet would run as a formula (= + - @ first) made text; a phone
    number such as +6281… is only digits and stays as it is."""
    if value[:1] in "=+-@" and not _NUMBER.fullmatch(value):
        return "'" + value
    return value


def export_file(query: RegisterQuery, *, user: User, lang: str, fmt: str) -> bytes:
    header, body = _table(export_rows(query, user=user, lang=lang))
    if fmt == "csv":
        out = io.StringIO()
        writer = csv.writer(out)
        writer.writerow(header)
        # A cell starting with = + - @ would run as a formula in a spreadsheet: keep it text.
        writer.writerows([[_inert(v) for v in line] for line in body])
        # With a BOM, so spreadsheet programs read the Indonesian text as UTF-8.
        return ("\ufeff" + out.getvalue()).encode("utf-8")
    # openpyxl (with Pillow) is ~12 MB that every web worker would otherwise hold from
    # start for a file few readers ask for: loaded on the first XLSX export.
    from openpyxl import Workbook

    book = Workbook()
    sheet = book.worksheets[0]
    sheet.title = _("Register kasus")[:31]
    sheet.append(header)
    for line in body:
        sheet.append(line)
    for row in sheet.iter_rows(min_row=2):
        for cell in row:
            if cell.data_type == "f":  # openpyxl reads "=…" as a formula; typed text stays text
                cell.data_type = "s"
    stored = io.BytesIO()
    book.save(stored)
    return stored.getvalue()
