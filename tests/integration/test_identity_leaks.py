"""A complainant's identity (name, NIK, email, phone, occupation, address) looked for in
every page, API response, export and log line, for the admin (Admin Inspektorat), a staff
member who is not the admin (Kepala Inspektorat) and the public, at each confidentiality
level. The identity never travels into the workflow variables or the audit trail."""
import logging

import pytest

from app.extensions import db
from app.services.organisation.identity import raise_confidentiality
from tests.helpers.complaints import current_task_id
from tests.helpers.identity_helpers import (
    IDENTITY,
    complaint_of,
    file_by_api,
    leaks,
    public_views,
    staff_views,
    stored_outside_complaints,
)

ADMIN, NOT_ADMIN = "admin", "kepala"


def _leaks_in(views: dict[str, str]) -> dict[str, list[str]]:
    return {where: found for where, text in views.items() if (found := leaks(text))}


def test_an_anonymous_report_shows_its_reporter_to_nobody(client, auth, staff, caplog):
    caplog.set_level(logging.DEBUG)
    # Typed into the form, then the complainant chose "anonim": nothing of it is kept.
    case, code = file_by_api(client, kerahasiaan="anonim")
    complaint = complaint_of(case)
    assert complaint.confidentiality == "anonim"
    assert all(getattr(complaint, field) == "" for field in IDENTITY)

    for viewer in (ADMIN, NOT_ADMIN):
        views = staff_views(client, auth, viewer, case)
        assert _leaks_in(views) == {}, viewer
        assert "Anonim" in views[f"/kasus/{case.id}"]
    assert _leaks_in(public_views(client, case, code)) == {}
    assert leaks(stored_outside_complaints(case)) == []
    assert leaks(caplog.text) == []


def test_a_confidential_report_shows_its_reporter_to_the_admin_only(client, auth, staff, caplog):
    caplog.set_level(logging.DEBUG)
    case, code = file_by_api(client, kerahasiaan="rahasia")
    assert complaint_of(case).confidentiality == "rahasia"

    admin_views = staff_views(client, auth, ADMIN, case)
    # The admin sees all of it on the case and task pages and in the API's case.
    for where in (f"/kasus/{case.id}", f"/api/v1/cases/{case.id}"):
        assert set(leaks(admin_views[where])) >= set(IDENTITY.values()), where
    other_views = staff_views(client, auth, NOT_ADMIN, case)
    assert _leaks_in(other_views) == {}
    assert "Identitas dirahasiakan" in other_views[f"/kasus/{case.id}"]
    assert '"identity_visible": false' in other_views[f"/api/v1/cases/{case.id}"].replace('":false', '": false')
    assert _leaks_in(public_views(client, case, code)) == {}
    assert leaks(stored_outside_complaints(case)) == []
    assert leaks(caplog.text) == []


def test_a_normal_report_shows_its_reporter_to_staff_and_not_the_public(client, auth, staff, caplog):
    caplog.set_level(logging.DEBUG)
    case, code = file_by_api(client, kerahasiaan="biasa")
    for viewer in (ADMIN, NOT_ADMIN):
        assert set(leaks(staff_views(client, auth, viewer, case)[f"/kasus/{case.id}"])) >= set(IDENTITY.values())
    assert _leaks_in(public_views(client, case, code)) == {}
    assert leaks(stored_outside_complaints(case)) == []
    assert leaks(caplog.text) == []


@pytest.mark.parametrize("level", ["rahasia", "anonim"])
def test_staff_typed_identity_is_blanked_for_those_who_may_not_see_it(client, auth, staff, level):
    """The admin copies the name and NIK into the verification report (and the complainant
    put their name in the title): the next lane reads the report, the case page and its
    inbox with them blanked; the admin of a confidential report still reads them."""
    case, _ = file_by_api(client, kerahasiaan="biasa", judul=f"Pungutan liar, lapor {IDENTITY['nama_lengkap']}")
    auth.login(ADMIN)
    note = f"Pelapor {IDENTITY['nama_lengkap']} (NIK {IDENTITY['nik']}) dikonfirmasi lewat {IDENTITY['email']}."
    response = client.post(f"/tugas/{current_task_id(case.id)}",
                           data={"lengkap": "ya", "lokasi_kasus": "Sleman", "catatan_verifikasi": note})
    assert response.status_code == 303
    auth.logout()
    raise_confidentiality(complaint=complaint_of(case), level=level, actor="admin")
    db.session.commit()

    views = staff_views(client, auth, NOT_ADMIN, case)
    assert _leaks_in(views) == {}
    label = "Anonim" if level == "anonim" else "Identitas dirahasiakan"
    assert f"[{label}]" in views[f"/kasus/{case.id}"]
    admin_page = staff_views(client, auth, ADMIN, case)[f"/kasus/{case.id}"]
    assert (IDENTITY["nik"] in admin_page) == (level == "rahasia")


@pytest.mark.parametrize("reader", ["kepala", "kepalabsn", "instansi"])
def test_a_confidential_complainant_named_in_their_own_text_stays_hidden_in_every_output(client, auth, staff, reader,
                                                                                          caplog):
    """The complainant wrote their own name, NIK, phone and e-mail into the description,
    the place and the reported party: the page, the API and the printed case file all
    blank them for readers who are not the admin; the admin still reads them."""
    caplog.set_level(logging.DEBUG)
    named = f"{IDENTITY['nama_lengkap']} (NIK {IDENTITY['nik']}, {IDENTITY['no_hp']}, {IDENTITY['email']})"
    case, _ = file_by_api(client, kerahasiaan="rahasia", uraian=f"Saya, {named}, dimintai biaya tambahan.",
                          lokasi_kejadian=f"Loket depan rumah {IDENTITY['nama_lengkap']}",
                          terlapor=f"Petugas yang menagih {IDENTITY['nama_lengkap']}")
    auth.login(ADMIN)  # verified, then reviewed by the Kepala Inspektorat
    assert client.post(f"/tugas/{current_task_id(case.id)}",
                       data={"lengkap": "ya", "lokasi_kasus": "Sleman"}).status_code == 303
    auth.logout()
    auth.login("kepala")
    assert client.post(f"/tugas/{current_task_id(case.id)}", data={
        "inti_masalah": "Pungutan", "peraturan_terkait": "PP 94/2021", "memo": "Memo", "logis": "ya",
        "berkadar_pengawasan": "ya", "kewenangan": "tidak"}).status_code == 303
    auth.logout()

    views = staff_views(client, auth, reader, case)
    assert _leaks_in(views) == {}
    assert "[Identitas dirahasiakan]" in views[f"/api/v1/cases/{case.id}/pdf"]
    admin_pdf = staff_views(client, auth, ADMIN, case)[f"/api/v1/cases/{case.id}/pdf"]
    assert IDENTITY["nik"] in admin_pdf
    assert leaks(caplog.text) == []
