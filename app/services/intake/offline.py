"""Complaints received offline: a letter, a phone call, a visit or the complaint box
(SOP 002 step n, "melakukan input pengaduan secara langsung ... ke dalam aplikasi"; the
other SOPs' admins record what reaches them the same way). An officer enters it; from
then on it is a complaint like any filed on the web: the same case path, and a tracking
number and access code the officer hands to the complainant.
"""
from datetime import date

from flask_babel import lazy_gettext as _l

from app.extensions import db
from app.i18n import in_language
from app.models import Case, Organisation, ProcessVersion, User
from app.services.audit_trail.audit import record_event
from app.services.definitions.processes import latest_version
from app.services.intake.complaints import (
    OFFLINE_CHANNELS,
    ComplaintInvalid,
    Upload,
    add_document,
    check_uploads,
    store_complaint,
    validate_complaint,
)
from app.services.organisation.access import NotAllowed
from app.services.organisation.organisations import complaint_intakes

OFFLINE_ENTERED = "complaint.entered_offline"
LETTER_KIND = "surat_pengaduan"


def receiving_roles(organisation: Organisation, version: ProcessVersion) -> set[str]:
    """The lanes of an SOP that take in complaints: the organisation's `intake_lanes`
    (data set at /admin/instansi; shipped: its admin lanes, who receive and verify, and a
    staff lane where its start event stands, SOP 002's Pejabat Pengelola Pengaduan) that
    are lanes of this version."""
    return set(organisation.intake_lanes or []) & set(version.lanes or [])


def offline_intakes(*, user: User) -> list[Organisation]:
    """The agencies `user` may enter offline complaints for: those taking complaints here,
    in the user's organisation (any, for a national account), whose SOP has one of the
    user's roles among its receiving lanes."""
    result = []
    for organisation in complaint_intakes():
        if user.organisation_code not in (None, organisation.code):
            continue
        version = latest_version(process_key=organisation.process_key or "")
        if version is not None and receiving_roles(organisation, version) & user.role_names:
            result.append(organisation)
    return result


def enter_offline_complaint(
    *, user: User, raw: dict, uploads: list[Upload], letter: Upload | None, channel: str,
    received_on: str = "", lang: str = "id", today: date | None = None,
) -> tuple[Case, str]:
    """Validate and store a complaint an officer received offline, with the scanned letter
    (required for a letter); commits. See record_offline_complaint."""
    case, access_code = record_offline_complaint(user=user, raw=raw, uploads=uploads, letter=letter, channel=channel,
                                                 received_on=received_on, lang=lang, today=today)
    db.session.commit()
    return case, access_code


def record_offline_complaint(
    *, user: User, raw: dict, uploads: list[Upload], letter: Upload | None, channel: str,
    received_on: str = "", lang: str = "id", today: date | None = None,
    channels: tuple[str, ...] = OFFLINE_CHANNELS,
) -> tuple[Case, str]:
    """Validate and store an offline complaint without committing (a mailed complaint
    also marks its message filed in the same transaction). Raises NotAllowed when the
    user may not enter complaints for the chosen agency, ComplaintInvalid with every bad
    field otherwise.

    The complainant's choice of a confidential or anonymous report applies as online.
    Returns the case and the access code, shown once to the officer to hand over."""
    allowed = {organisation.code: organisation for organisation in offline_intakes(user=user)}
    if not allowed:
        raise NotAllowed(_l("Anda tidak dapat mencatat pengaduan luring."))
    raw = dict(raw)
    raw["instansi"] = raw.get("instansi") or (next(iter(allowed)) if len(allowed) == 1 else "")
    if raw["instansi"] and raw["instansi"] not in allowed:
        raise NotAllowed(_l("Anda tidak dapat mencatat pengaduan untuk instansi ini."))
    errors: dict[str, str] = {}
    if not raw["instansi"]:
        errors["instansi"] = in_language(_l("Pilih instansi yang menerima pengaduan ini."), lang)
    if channel not in channels:
        errors["kanal"] = in_language(
            _l("Pilih kanal penerimaan: surat, telepon, tatap muka atau kotak pengaduan."), lang)
    if channel == "surat" and letter is None:
        errors["surat"] = in_language(_l("Unggah pindaian surat pengaduan (PDF, JPG atau PNG)."), lang)
    elif letter is not None and (problems := check_uploads([letter], lang=lang)):
        errors["surat"] = " ".join(problems)
    received = _received_date(received_on, today=today or date.today())
    if received is False:
        errors["tanggal_diterima"] = in_language(_l("Tanggal diterima tidak valid atau di masa depan."), lang)
    data = None
    try:
        data = validate_complaint(raw, uploads, lang=lang, today=today, offline=True)
    except ComplaintInvalid as exc:
        errors = {**exc.errors, **errors}
    if errors or data is None:
        raise ComplaintInvalid(errors)
    # Stored in Indonesian: the language emails to the complainant would use.
    case, access_code = store_complaint(data=data, uploads=uploads, lang="id", channel=channel, actor=user.username)
    if letter is not None:
        add_document(case=case, upload=letter, kind=LETTER_KIND, uploaded_by=user.username)
    # The channel and the dates only: the identity stays in the complaints table.
    record_event(
        case=case, action=OFFLINE_ENTERED, actor=user.username,
        data_after={"channel": channel, "confidentiality": data["confidentiality"],
                    "received_on": received.isoformat() if isinstance(received, date) else None},
        detail=channel,
    )
    return case, access_code


def _received_date(text: str, *, today: date) -> date | None | bool:
    """The date the complaint reached the office (None if not given; False if invalid)."""
    if not text.strip():
        return None
    try:
        received = date.fromisoformat(text.strip())
    except ValueError:
        return False
    return False if received > today else received
