"""The system administrator keeps the working-day calendar in the browser."""
from datetime import date

from app.services.accounts import SYSTEM_ADMIN_ROLE, create_user, ensure_system_roles
from app.services.calendar import calendar_for


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
