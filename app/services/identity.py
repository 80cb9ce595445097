"""Whose eyes may see a complainant's identity (SP4N-LAPOR!'s anonymous and confidential
reports).

- "biasa": everyone who may see the case sees who filed it.
- "rahasia" (confidential): only the admin roles that receive and verify complaints see
  it; the report is kept out of anything public.
- "anonim" (anonymous): nobody sees it, not even the admins.

Every page, API response, PDF and export that shows a complainant goes through
`reporter_identity`; nothing else reads the identity columns for display.
"""
from app.models import Complaint, User

IDENTITY_FIELDS = ("nama_lengkap", "nik", "email", "no_hp", "pekerjaan", "alamat")
CONFIDENTIALITY_LEVELS = ("biasa", "rahasia", "anonim")

# The lanes that receive and verify complaints in our SOPs (000 Admin Inspektorat, 001
# Inspektorat, 002 Admin Instansi/Nasional, 003 Admin Nasional/BPS Provinsi): the "admin"
# SP4N-LAPOR! lets see a confidential reporter.
IDENTITY_ADMIN_ROLES = frozenset(
    {"Admin Inspektorat", "Inspektorat", "Admin Instansi", "Admin Nasional", "Admin BPS Provinsi"}
)


def identity_visible(*, complaint: Complaint, viewer: User | None) -> bool:
    """May `viewer` (None: the public, an export, a log line) see who filed `complaint`?"""
    if complaint.confidentiality == "anonim" or viewer is None:
        return False
    if complaint.confidentiality == "rahasia":
        return bool(viewer.role_names & IDENTITY_ADMIN_ROLES)
    return True


def hidden_identity_label(complaint: Complaint) -> str:
    """What is shown in place of a hidden identity (Indonesian; templates translate)."""
    return "Anonim" if complaint.confidentiality == "anonim" else "Identitas dirahasiakan"


def reporter_identity(*, complaint: Complaint, viewer: User | None) -> dict[str, str]:
    """The identity fields as `viewer` may see them: the real values, or the hidden label
    in the name and nothing in the rest."""
    if identity_visible(complaint=complaint, viewer=viewer):
        return {field: getattr(complaint, field) or "" for field in IDENTITY_FIELDS}
    return {field: "" for field in IDENTITY_FIELDS} | {"nama_lengkap": hidden_identity_label(complaint)}
