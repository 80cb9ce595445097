"""The one rule (app/services/organisation/identity.py) on its own: who sees a reporter, what free text
loses, and that confidentiality only ever rises. Plain objects, with the shipped
organisations in the database (which lanes see a confidential identity is their data)."""
import pytest

from app.models import Case, Complaint, ProcessVersion, Role, User
from app.services.organisation.identity import (
    identity_visible,
    may_publish,
    raise_confidentiality,
    redact_identity,
    reporter_identity,
)
from app.services.organisation.organisations import ensure_known_organisations


@pytest.fixture(autouse=True)
def shipped_organisations(app_context):
    ensure_known_organisations()


LANES_002 = ["Pengadu", "Pejabat Pengelola Pengaduan", "Admin Instansi", "Pejabat Penghubung", "Admin Nasional"]


def _complaint(level: str, organisation: str = "dpmdppkb") -> Complaint:
    case = Case(organisation_code=organisation, process_version=ProcessVersion(lanes=LANES_002))
    return Complaint(case=case, confidentiality=level, nama_lengkap="Wulandari Kusumaningtyas",
                     nik="3273016405900002", email="wulan@contoh.id", no_hp="+6281377778888",
                     pekerjaan="Guru", alamat="Jl. Melati 12")


def _user(role: str, organisation: str | None = "dpmdppkb") -> User:
    return User(username=role.lower(), roles=[Role(name=role)], organisation_code=organisation)


@pytest.mark.parametrize(("level", "viewer", "visible"), [
    ("biasa", _user("Pejabat Penghubung"), True),
    ("biasa", None, False),
    ("rahasia", _user("Admin Instansi"), True),
    ("rahasia", _user("Admin Nasional", organisation=None), True),  # national: every organisation
    ("rahasia", _user("Admin Instansi", organisation="katingan"), False),  # another organisation's admin
    ("rahasia", _user("Admin Inspektorat"), False),  # an admin role, but not a lane of this SOP
    ("rahasia", _user("Pejabat Penghubung"), False),
    ("rahasia", None, False),
    ("anonim", _user("Admin Instansi"), False),
    ("anonim", _user("Admin Nasional", organisation=None), False),
])
def test_who_sees_the_reporter(level, viewer, visible):
    complaint = _complaint(level)
    assert identity_visible(complaint=complaint, viewer=viewer) is visible
    shown = reporter_identity(complaint=complaint, viewer=viewer)
    assert (shown["nik"] == "3273016405900002") is visible
    if not visible:
        assert shown["nama_lengkap"] in ("Anonim", "Identitas dirahasiakan")
        assert {shown[f] for f in ("nik", "email", "no_hp", "pekerjaan", "alamat")} == {""}


def test_free_text_loses_the_reporters_values_case_insensitively():
    complaint = _complaint("rahasia")
    record = [{"label": "Catatan", "value": "WULANDARI KUSUMANINGTYAS (3273016405900002) guru di Jl. Melati 12"}]
    redacted = redact_identity(record, complaint=complaint, viewer=_user("Pejabat Penghubung"))
    assert redacted == [{"label": "Catatan",
                         "value": "[Identitas dirahasiakan] ([Identitas dirahasiakan]) guru di [Identitas dirahasiakan]"}]
    # Short values (a one-word occupation) are left: they would blank ordinary words.
    assert redact_identity(record, complaint=complaint, viewer=_user("Admin Instansi")) == record


def test_confidentiality_only_rises_and_says_so(app_context):
    complaint = _complaint("rahasia")
    assert raise_confidentiality(complaint=complaint, level="biasa", actor="x") is False
    assert complaint.confidentiality == "rahasia"
    assert raise_confidentiality(complaint=complaint, level="anonim", actor="x") is True
    assert complaint.confidentiality == "anonim"
    with pytest.raises(ValueError):
        raise_confidentiality(complaint=complaint, level="publik", actor="x")


def test_a_confidential_report_stays_out_of_anything_public():
    assert [may_publish(_complaint(level)) for level in ("biasa", "rahasia", "anonim")] == [True, False, True]
