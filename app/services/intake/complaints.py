"""A citizen files a complaint; it becomes a case of the organisation's SOP.

Validation lives here so that the web form and the API refuse the same things with the
same messages. A complaint is stored with its files in one transaction, or not at all.
"""
import hashlib
import re
import secrets
from dataclasses import dataclass
from datetime import date
from typing import IO, Any

from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l

from app.extensions import db
from app.i18n import in_callers_language
from app.models import Case, Complaint, Document, Organisation
from app.services.audit_trail.audit import record_event
from app.services.casework.case_errors import ProcessNotDeployed
from app.services.casework.cases import commit_keeping_loaded
from app.services.casework.workflow_state import open_case
from app.services.intake.access_codes import check_code, keyed_hash
from app.services.intake.file_names import stored_filename
from app.services.organisation.identity import CONFIDENTIALITY_LEVELS, IDENTITY_FIELDS
from app.services.organisation.org_settings import settings_for
from app.services.organisation.organisations import complaint_intakes

# Where a complaint goes when the complainant names no agency.
DEFAULT_ORGANISATION = "bsn"
# The audit actor for whatever the complainant does; the public timeline shows only
# the documents this actor added.
COMPLAINANT_ACTOR = "pengadu"
COMPLAINT_TYPES = ("pengaduan", "aspirasi", "permintaan_informasi")
MAX_FILES = 5
MAX_FILE_BYTES = 5 * 1024 * 1024
# The first bytes of each accepted type: the name and the browser's claim are not trusted.
_SIGNATURES = {
    "application/pdf": (b"%PDF-",),
    "image/jpeg": (b"\xff\xd8\xff",),
    "image/png": (b"\x89PNG\r\n\x1a\n",),
}
_NIK = re.compile(r"^\d{16}$")
# +62 / 62 / 0, then an 8 for mobiles (or an area code), 8-13 digits in all after it.
_PHONE = re.compile(r"^(?:\+62|62|0)[1-9]\d{7,12}$")
_EMAIL = re.compile(r"^[^@\s]+@[^@\s]+\.[^@\s]+$")

_TEXT_LIMITS = {
    "nama_lengkap": 200, "pekerjaan": 100, "alamat": 500, "judul": 200, "uraian": 10000,
    "lokasi_kejadian": 255, "terlapor": 255, "email": 255,
}
REPORT_FIELDS = ("jenis", "judul", "uraian")
# What a named complaint filed on the web or through the API must carry (SOP 000 step 1).
REQUIRED_FIELDS = (*IDENTITY_FIELDS, *REPORT_FIELDS)
_OPTIONAL_FIELDS = ("lokasi_kejadian", "terlapor", "tanggal_kejadian")
# How a complaint arrived: online, or entered by an officer from a letter, a phone call,
# a visit or the complaint box (SOP 002 step n).
OFFLINE_CHANNELS = ("surat", "telepon", "tatap_muka", "kotak_pengaduan")
# "email": a mailed complaint an officer completed (app/services/mail/mail_complaints.py).
MAIL_CHANNEL = "email"
CHANNELS = ("web", "api", *OFFLINE_CHANNELS, MAIL_CHANNEL)


@dataclass(frozen=True)
class Upload:
    filename: str
    content: bytes
    declared_type: str = ""


class ComplaintInvalid(Exception):
    def __init__(self, errors: dict[str, str]):
        super().__init__("; ".join(f"{k}: {v}" for k, v in errors.items()))
        self.errors = errors


def _nik_is_plausible(nik: str) -> bool:
    """Digits 1-2 a province code (11-94), 7-8 a birth day (01-31, or 41-71 for women),
    9-10 a month. Catches typed-in nonsense, not forgeries."""
    province, day, month = int(nik[:2]), int(nik[6:8]), int(nik[8:10])
    day = day - 40 if day > 40 else day
    return 11 <= province <= 94 and 1 <= day <= 31 and 1 <= month <= 12


def sniff_type(content: bytes) -> str | None:
    for content_type, signatures in _SIGNATURES.items():
        if any(content.startswith(sig) for sig in signatures):
            return content_type
    return None


@in_callers_language
def validate_complaint(
    raw: dict, uploads: list[Upload], *, lang: str = "id", today: date | None = None, offline: bool = False,
    intakes: list[Organisation] | None = None,
) -> dict:
    """Clean a submission or raise ComplaintInvalid with one message per bad field.

    `kerahasiaan` is the complainant's choice: "biasa", "rahasia" or "anonim". An
    anonymous report needs no identity and keeps none: whatever was typed in the identity
    fields is dropped here, so it can never be shown, exported or logged. A named report
    entered by an officer from a letter, call, visit or the complaint box (`offline`)
    needs the name and one way to reach the complainant (a letter seldom carries a NIK);
    online, SOP 000 step 1's full identity is required. What is given is checked either way.
    `intakes`: complaint_intakes(), when the caller has it already."""
    data: dict[str, Any] = {key: str(raw.get(key) or "").strip() for key in (*REQUIRED_FIELDS, *_OPTIONAL_FIELDS)}
    data["confidentiality"] = str(raw.get("kerahasiaan") or "biasa").strip()
    errors: dict[str, str] = {}
    _check_identity(data, errors, offline=offline)
    _check_contact_details(data, errors)
    _check_report(data, errors, today=today or date.today())
    _check_destination(data, errors, raw=raw, intakes=intakes)
    file_errors = check_uploads(uploads, lang=lang)
    if file_errors:
        errors["lampiran"] = " ".join(file_errors)
    if errors:
        raise ComplaintInvalid(errors)
    return data


def _check_identity(data: dict[str, Any], errors: dict[str, str], *, offline: bool) -> None:
    """The confidentiality choice and the fields it makes required; an anonymous report's
    identity is dropped here, so it can never be shown, exported or logged."""
    if data["confidentiality"] not in CONFIDENTIALITY_LEVELS:
        errors["kerahasiaan"] = _("Pilih laporan biasa, rahasia atau anonim.")
    if data["confidentiality"] == "anonim":
        data.update(dict.fromkeys(IDENTITY_FIELDS, ""))
    required = REPORT_FIELDS if data["confidentiality"] == "anonim" else (
        ("nama_lengkap", *REPORT_FIELDS) if offline else REQUIRED_FIELDS)
    for key in required:
        if not data[key]:
            errors[key] = _("Wajib diisi.")
    if (offline and data["confidentiality"] != "anonim" and not errors.get("kerahasiaan")
            and not (data["alamat"] or data["email"] or data["no_hp"])):
        errors["alamat"] = _("Isi paling sedikit satu cara menghubungi pengadu: alamat, email atau nomor HP.")
    for key, limit in _TEXT_LIMITS.items():
        if len(data[key]) > limit:
            errors[key] = _("Terlalu panjang (maksimal %(n)s karakter).", n=limit)


def _check_contact_details(data: dict[str, Any], errors: dict[str, str]) -> None:
    """NIK, email and phone, where given; the phone is kept without separators."""
    if data["nik"] and "nik" not in errors:
        if not _NIK.match(data["nik"]):
            errors["nik"] = _("NIK harus 16 digit angka.")
        elif not _nik_is_plausible(data["nik"]):
            errors["nik"] = _("NIK tidak valid: kode wilayah atau tanggal lahir tidak mungkin.")
    if data["email"] and "email" not in errors and not _EMAIL.match(data["email"]):
        errors["email"] = _("Alamat email tidak valid.")
    phone = re.sub(r"[\s\-().]", "", data["no_hp"])
    if phone and not _PHONE.match(phone):
        errors["no_hp"] = _("Nomor HP tidak valid; contoh: 081234567890 atau +6281234567890.")
    data["no_hp"] = phone


def _check_report(data: dict[str, Any], errors: dict[str, str], *, today: date) -> None:
    """The report's type and the date of the incident (a date, not in the future)."""
    if data["jenis"] and data["jenis"] not in COMPLAINT_TYPES:
        errors["jenis"] = _("Pilih jenis laporan.")
    cleaned_date = None
    if data["tanggal_kejadian"]:
        try:
            cleaned_date = date.fromisoformat(data["tanggal_kejadian"])
        except ValueError:
            errors["tanggal_kejadian"] = _("Tanggal tidak valid.")
        else:
            if cleaned_date > today:
                errors["tanggal_kejadian"] = _("Tanggal kejadian tidak boleh di masa depan.")
    data["tanggal_kejadian"] = cleaned_date


def _check_destination(data: dict[str, Any], errors: dict[str, str], *, raw: dict,
                       intakes: list[Organisation] | None) -> None:
    """The organisation the report is for, one that takes complaints here, and whether
    its owner accepts anonymous reports (the SOP's default unless changed)."""
    intake_codes = {o.code: o.process_key for o in (complaint_intakes() if intakes is None else intakes)}
    data["instansi"] = str(raw.get("instansi") or DEFAULT_ORGANISATION).strip()
    if data["instansi"] not in intake_codes:
        errors["instansi"] = _("Pilih instansi yang dituju dari daftar.")
    data["process_key"] = intake_codes.get(data["instansi"])
    if (data["confidentiality"] == "anonim" and data["process_key"]
            and not settings_for(data["instansi"])["anonymous_reports"]):  # the owner's setting (SOP default)
        errors["kerahasiaan"] = _("Instansi ini tidak menerima laporan anonim: SOP-nya mewajibkan identitas pelapor. "
                                  "Pilih laporan rahasia bila identitas Anda perlu dilindungi.")


@in_callers_language
def check_uploads(uploads: list[Upload], *, lang: str) -> list[str]:
    """What is wrong with files sent through any form (count, size, type by content)."""
    if len(uploads) > MAX_FILES:
        return [_("Maksimal %(n)s berkas.", n=MAX_FILES)]
    problems = []
    for upload in uploads:
        name = stored_filename(upload.filename)
        if not upload.content:
            problems.append(_("%(name)s: berkas kosong.", name=name))
        elif len(upload.content) > MAX_FILE_BYTES:
            problems.append(_("%(name)s: ukuran maksimal %(mb)s MB.", name=name, mb=MAX_FILE_BYTES // (1024 * 1024)))
        elif sniff_type(upload.content) is None:
            problems.append(_("%(name)s: hanya PDF, JPG atau PNG yang diterima.", name=name))
    return problems


def read_uploads(files: list[tuple[str, IO[bytes], str]]) -> list[Upload]:
    """Uploads from open streams (filename, stream, declared type), reading no more than
    validation needs: one byte past MAX_FILE_BYTES shows a file is too big, and past
    MAX_FILES the count alone refuses the lot, so no content is read at all. A public
    form could otherwise make the server hold any number of large files in memory."""
    too_many = len(files) > MAX_FILES
    return [
        Upload(filename, b"" if too_many else stream.read(MAX_FILE_BYTES + 1), declared_type)
        for filename, stream, declared_type in files
    ]


def new_access_code() -> str:
    """Ten characters a person can read out and type: no 0/O, 1/I/L."""
    alphabet = "23456789ABCDEFGHJKMNPQRSTUVWXYZ"
    return "".join(secrets.choice(alphabet) for _ in range(10))


def submit_complaint(*, raw: dict, uploads: list[Upload], lang: str = "id", channel: str = "web",
                     intakes: list[Organisation] | None = None) -> tuple[Case, str]:
    """Validate, then store the case, the complaint and its files together, as a case of
    the chosen agency's SOP (`instansi`, default bsn); commits. `intakes`:
    complaint_intakes(), when the caller has it already (the web form lists them).

    Returns the case and the access code, which is stored only as a hash and so can be
    shown to the complainant this once."""
    intakes = complaint_intakes() if intakes is None else intakes
    if not intakes:
        raise ProcessNotDeployed(_l("Belum ada instansi yang menerima pengaduan di sini."))
    data = validate_complaint(raw, uploads, lang=lang, intakes=intakes)
    case, access_code = store_complaint(data=data, uploads=uploads, lang=lang, channel=channel, actor=COMPLAINANT_ACTOR)
    commit_keeping_loaded()  # the receipt shows the case as just written, without reading it back
    return case, access_code


def store_complaint(*, data: dict, uploads: list[Upload], lang: str, channel: str, actor: str) -> tuple[Case, str]:
    """Open the case and store the validated complaint and its files, without committing.

    Only the type of report enters the workflow and the audit trail; the identity stays in
    the complaints table, where app.services.organisation.identity decides who sees it."""
    access_code = new_access_code()
    case = open_case(
        process_key=data["process_key"],
        data={"jenis": data["jenis"]},
        title=data["judul"],
        actor=actor,
        # Loaded by the validation (complaint_intakes): found in the session, not queried.
        organisation=db.session.get(Organisation, data["instansi"]),
    )
    assert case.tracking_number is not None  # open_case numbers every case it opens
    complaint = Complaint(
        case_id=case.id,
        access_code_hash=keyed_hash(tracking_number=case.tracking_number, code=access_code),
        channel=channel,
        language=lang,
        confidentiality=data["confidentiality"],
        **{key: data[key] for key in (*REQUIRED_FIELDS, *_OPTIONAL_FIELDS)},
    )
    db.session.add(complaint)
    for upload in uploads:
        add_document(case=case, upload=upload, kind="bukti", uploaded_by=actor)
    return case, access_code


def add_document(*, case: Case, upload: Upload, kind: str, uploaded_by: str) -> Document:
    """Attach a checked file to a case, with an audit event carrying its SHA-256."""
    content_type = sniff_type(upload.content)
    if content_type is None:
        raise ComplaintInvalid({"lampiran": _l("%(name)s: hanya PDF, JPG atau PNG yang diterima.",
                                               name=upload.filename)})
    digest = hashlib.sha256(upload.content).hexdigest()
    document = Document(
        case_id=case.id,
        kind=kind,
        filename=stored_filename(upload.filename, content_type=content_type),
        content_type=content_type,
        size=len(upload.content),
        sha256=digest,
        content=upload.content,
        uploaded_by=uploaded_by,
    )
    db.session.add(document)
    record_event(
        case=case,
        action="document.added",
        actor=uploaded_by,
        data_after={"filename": document.filename, "sha256": digest, "size": document.size, "kind": kind},
    )
    return document


def find_complaint(*, tracking_number: str, access_code: str) -> Complaint | None:
    """The complaint for a tracking number, only with its access code
    (app/services/intake/access_codes.py). A code still stored the old way (scrypt) is rehashed
    with the server key on its first successful lookup, committed there and then.

    An unknown number and a wrong code cost the same keyed hash, a few microseconds."""
    number = tracking_number.strip().upper()  # equal to the case's, by the query
    complaint = db.session.scalars(db.select(Complaint).join(Case).where(Case.tracking_number == number)).first()
    if complaint is None:
        check_code(stored=keyed_hash(tracking_number="", code=""), tracking_number=number, code=access_code)
        return None
    check = check_code(stored=complaint.access_code_hash, tracking_number=number, code=access_code)
    if not check.matches:
        return None
    if check.outdated:
        complaint.access_code_hash = keyed_hash(tracking_number=number, code=access_code)
        db.session.commit()
    return complaint
