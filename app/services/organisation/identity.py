"""Whose eyes may see a complainant's identity (SP4N-LAPOR!'s anonymous and confidential
reports).

- "biasa": everyone who may see the case sees who filed it.
- "rahasia" (confidential): only the admin roles that receive and verify complaints see
  it, and the report is kept out of anything public (`may_publish`).
- "anonim" (anonymous): nobody sees it, not even the admins. A complainant who chooses
  anonymity at filing gives no identity at all (app.services.intake.complaints stores none);
  one made anonymous at verification keeps what was stored, shown to nobody.

Every page, API response, PDF and export that shows a complainant goes through
`reporter_identity`; nothing else reads the identity columns for display. Free text that
staff typed (a record, an audit note) goes through `redact_identity`, which blanks the
complainant's own values wherever they were copied in.

The complainant chooses at filing; verification (SOP 002 step e, and the liaison's point
2) may make a report more protected, never less (`raise_confidentiality`): a promise of
anonymity made to the complainant is not withdrawn by staff.
"""
import re

from app.models import Case, Complaint, User
from app.services.audit_trail.audit import record_event
from app.services.organisation.delegations import active_delegations
from app.services.organisation.organisations import organisation_of_case

IDENTITY_FIELDS = ("nama_lengkap", "nik", "email", "no_hp", "pekerjaan", "alamat")
CONFIDENTIALITY_LEVELS = ("biasa", "rahasia", "anonim")  # ordered: least to most protected
CONFIDENTIALITY_CHANGED = "complaint.confidentiality_changed"

# The lanes that receive and verify complaints (the "admin" SP4N-LAPOR! lets see a
# confidential reporter) are the organisation's `identity_lanes`, data set at
# /admin/instansi (shipped: 000 Admin Inspektorat, 001 Inspektorat, 002 Admin
# Instansi/Nasional, 003 Admin Nasional/BPS Provinsi). Only where the role is also a lane
# of the case's own process and the viewer works for the case's organisation (or nationally).
# The identity values shorter than this are not searched for in free text: a one-word
# occupation ("Guru") would blank ordinary words of a note.
_MIN_REDACTED_LENGTH = 5


def identity_roles(case: Case) -> set[str]:
    """The roles that may see this case's confidential reporter: its organisation's
    identity lanes that are lanes of the case's process version."""
    organisation = organisation_of_case(case)
    if organisation is None:
        return set()
    return set(organisation.identity_lanes or []) & set(case.process_version.lanes or [])


def is_identity_admin(*, case: Case, viewer: User | None) -> bool:
    """Does `viewer` hold the admin role of this case's process, in its organisation?"""
    if viewer is None:
        return False
    if viewer.organisation_code is not None and viewer.organisation_code != case.organisation_code:
        return False
    if viewer.role_names & identity_roles(case):
        return True
    # A Plt. sees an identity exactly where the colleague they act for would.
    return any(is_identity_admin(case=case, viewer=d.from_user) for d in active_delegations(viewer))


def identity_visible(*, complaint: Complaint, viewer: User | None) -> bool:
    """May `viewer` (None: the public, an export, a log line) see who filed `complaint`?"""
    if complaint.confidentiality == "anonim" or viewer is None:
        return False
    if complaint.confidentiality == "rahasia":
        return is_identity_admin(case=complaint.case, viewer=viewer)
    return True


def hidden_identity_label(complaint: Complaint) -> str:
    """What is shown in place of a hidden identity (Indonesian; templates translate)."""
    return "Anonim" if complaint.confidentiality == "anonim" else "Identitas dirahasiakan"


def reporter_identity(*, complaint: Complaint, viewer: User | None) -> dict[str, str]:
    """The identity fields as `viewer` may see them: the real values, or the hidden label
    in the name and nothing in the rest."""
    if identity_visible(complaint=complaint, viewer=viewer):
        return {field: getattr(complaint, field) or "" for field in IDENTITY_FIELDS}
    return dict.fromkeys(IDENTITY_FIELDS, "") | {"nama_lengkap": hidden_identity_label(complaint)}


def may_publish(complaint: Complaint) -> bool:
    """May the report itself (not its reporter) appear in anything public: a public list,
    published statistics with examples, an open-data export? Not a confidential one."""
    return complaint.confidentiality != "rahasia"


def redact_identity(value, *, complaint: Complaint | None, viewer: User | None):
    """`value` (a string, or lists and dicts of them, as in records and audit data) with
    the complainant's identity values blanked for a viewer who may not see them."""
    if complaint is None or identity_visible(complaint=complaint, viewer=viewer):
        return value
    values = sorted(
        {v.strip() for v in (getattr(complaint, f) or "" for f in IDENTITY_FIELDS)
         if len(v.strip()) >= _MIN_REDACTED_LENGTH},
        key=len, reverse=True,
    )
    if not values:
        return value
    pattern = re.compile("|".join(re.escape(v) for v in values), re.IGNORECASE)
    return _redact(value, pattern, f"[{hidden_identity_label(complaint)}]")


def _redact(value, pattern: re.Pattern, label: str):
    if isinstance(value, str):
        return pattern.sub(label, value)
    if isinstance(value, list):
        return [_redact(item, pattern, label) for item in value]
    if isinstance(value, dict):
        return {key: _redact(item, pattern, label) for key, item in value.items()}
    return value


def raise_confidentiality(*, complaint: Complaint, level: str, actor: str, element_id: str | None = None) -> bool:
    """Make the report at least as protected as `level`; never lowers it. Recorded in the
    audit trail (levels only, no identity). Returns whether anything changed; no commit."""
    if level not in CONFIDENTIALITY_LEVELS:
        raise ValueError(f"Tingkat kerahasiaan tidak dikenal: {level!r}")
    current = complaint.confidentiality or "biasa"
    if CONFIDENTIALITY_LEVELS.index(level) <= CONFIDENTIALITY_LEVELS.index(current):
        return False
    complaint.confidentiality = level
    record_event(
        case=complaint.case, action=CONFIDENTIALITY_CHANGED, actor=actor, element_id=element_id,
        data_before={"confidentiality": current}, data_after={"confidentiality": level},
        detail=f"{current} → {level}",
    )
    return True
