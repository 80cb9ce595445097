"""The system administrator keeps the working-day calendar in the browser."""
import re
from datetime import date

import flask_babel

from app.services.organisation.accounts import SYSTEM_ADMIN_ROLE, create_user, ensure_system_roles
from app.services.organisation.calendar import calendar_for


def test_only_the_system_administrator_opens_the_calendar(client, staff, auth):
    auth.login("admin")
    assert client.get("/admin/kalender").status_code == 404
    assert client.post("/admin/kalender", data={"tanggal": "2026-12-24", "nama": "x", "jenis": "cuti_bersama"}).status_code == 404


def test_cuti_bersama_and_a_working_week_through_the_page(client, staff, auth):
    ensure_system_roles()
    create_user(username="sysadmin", password="dumas-demo", roles=[SYSTEM_ADMIN_ROLE])
    auth.login("sysadmin")
    response = client.post("/admin/kalender", data={"tanggal": "2026-12-24", "nama": "Cuti bersama Natal",
                                                    "jenis": "cuti_bersama", "instansi": ""}, follow_redirects=True)
    html = response.get_data(as_text=True)
    assert "Hari libur 2026-12-24 ditambahkan." in html and "Cuti bersama Natal" in html
    assert date(2026, 12, 24) in calendar_for("bsn").extra_holidays

    refused = client.post("/admin/kalender", data={"tanggal": "2026-12-25", "nama": "x", "jenis": "daerah"},
                          follow_redirects=True).get_data(as_text=True)
    assert "Libur daerah berlaku untuk satu instansi" in refused

    client.post("/admin/kalender/hari-kerja", data={"instansi": "katingan", "hari": ["0", "1", "2", "3", "4", "5"]})
    assert calendar_for("katingan").working_weekdays == frozenset(range(6))


def _rows(html: str) -> dict[str, str]:
    """The calendar table's rows: date, name, source and organisation joined by " | ",
    each with the text of its action (a button, or a reason field and a button)."""
    table = html[html.index('id="hari-libur"'):html.index("</table>")]
    rows = {}
    for row in re.findall(r"<tr class=\"source-[^\"]+\">(.*?)</tr>", table, re.S):
        cells = [" ".join(re.sub(r"<[^>]+>", " ", cell).split()) for cell in re.findall(r"<td>(.*?)</td>", row, re.S)]
        rows[" | ".join(cells[:4])] = cells[4]
    return rows


def test_the_page_says_where_each_day_off_comes_from(client, staff, auth):
    ensure_system_roles()
    create_user(username="sysadmin", password="dumas-demo", roles=[SYSTEM_ADMIN_ROLE])
    auth.login("sysadmin")
    client.post("/admin/kalender", data={"tanggal": "2026-11-24", "nama": "Hari jadi Kabupaten Katingan",
                                         "jenis": "daerah", "instansi": "katingan"})
    client.post("/admin/kalender", data={"tanggal": "2026-12-31", "nama": "Cuti bersama tahun baru",
                                         "jenis": "cuti_bersama", "instansi": ""})
    missing_reason = client.post("/admin/kalender", data={"tanggal": "2026-12-24", "nama": "", "jenis": "bukan_libur"},
                                 follow_redirects=True).get_data(as_text=True)
    assert "Alasan wajib diisi: mengapa hari itu tetap hari kerja." in missing_reason
    marked = client.post("/admin/kalender", data={"tanggal": "2026-12-24", "nama": "Layanan tetap buka",
                                                  "jenis": "bukan_libur", "instansi": ""}, follow_redirects=True)
    assert "2026-12-24 ditandai bukan hari libur." in marked.get_data(as_text=True)

    rows = _rows(client.get("/admin/kalender?tahun=2026").get_data(as_text=True))
    assert rows["2026-08-17 | Hari Kemerdekaan Republik Indonesia | Libur nasional | semua"] == \
        "Alasan tandai bukan hari libur"
    assert rows["2026-12-24 | Cuti Bersama Hari Raya Natal | Cuti bersama (kalender pemerintah) | semua"] == ""
    assert rows["2026-12-24 | Layanan tetap buka | Dihapus administrator (bukan hari libur) | semua"] == "batalkan"
    assert rows["2026-12-31 | Cuti bersama tahun baru | Ditambahkan administrator | semua"] == "batalkan"
    assert rows["2026-11-24 | Hari jadi Kabupaten Katingan | Libur daerah | katingan"] == "batalkan"
    assert calendar_for("bsn").is_working_day(date(2026, 12, 24))
    assert not calendar_for("bsn").is_working_day(date(2026, 12, 31))

    flask_babel.refresh()  # the test's app context caches the locale; a real request has its own
    english = _rows(client.get("/admin/kalender?tahun=2026&lang=en").get_data(as_text=True))
    flask_babel.refresh()
    assert "2026-12-24 | Cuti Bersama Hari Raya Natal | Cuti bersama (government calendar) | all" in english
    assert "2026-12-24 | Layanan tetap buka | Removed by the administrator (not a holiday) | all" in english

    out_of_range = client.get("/admin/kalender?tahun=99999&lang=id", follow_redirects=True)
    assert out_of_range.status_code == 200 and "Tahun harus antara 2000 dan 2100." in out_of_range.get_data(as_text=True)
