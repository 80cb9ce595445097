"""What a complainant does on the tracking page after filing: answer a request for
missing data (SOP 002 step 3 j), rate the outcome, object to it (keberatan).

Answers and objections are messages to the waiting workflow, correlated by the tracking
number: the complainant reaches the case only through their tracking number and access
code, and the message goes to that case alone. Each use case stores its text, files,
record and audit event together with the workflow's move, or nothing at all.
"""
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l

from app.extensions import db
from app.i18n import in_callers_language, in_language
from app.models import AuditEvent, Case, CaseRecord, Complaint
from app.services.audit_trail.audit import record_event
from app.services.casework.case_errors import CaseError
from app.services.casework.events import deliver_message
from app.services.casework.workflow_state import load_instance
from app.services.intake.complaints import COMPLAINANT_ACTOR, Upload, add_document, check_uploads
from app.services.intake.tracking import (
    ANSWERED,
    MISSING_DATA_MESSAGE,
    OBJECTED,
    OBJECTION_MESSAGE,
    RATED,
    public_reports,
)

MAX_TEXT = 5000
MAX_COMMENT = 1000


class ReplyRefused(CaseError):
    """A complainant's reply that cannot be taken; `errors` maps fields to messages
    (the key "" for the form as a whole), in the complainant's language."""

    def __init__(self, errors: dict[str, str]):
        super().__init__("; ".join(errors.values()))
        self.errors = errors


def answer_missing_data(*, complaint: Complaint, text: str, uploads: list[Upload], lang: str = "id") -> Case:
    """The complainant's answer to a request for missing data: its files and a record go
    on the case, and the workflow waiting at `kelengkapan_diterima` resumes; commits."""
    case = complaint.case
    text = _checked_text(text, uploads, lang=lang, limit=MAX_TEXT)
    if MISSING_DATA_MESSAGE not in load_instance(case).waiting_messages():
        raise ReplyRefused({"": in_language(_l(
            "Pengaduan ini tidak sedang menunggu kelengkapan data dari Anda, jadi jawaban tidak disimpan."), lang)})
    filenames = _store(case, uploads, kind="kelengkapan")
    _record(case, "Kelengkapan data dari pengadu", [("Jawaban pengadu", text), ("Lampiran", ", ".join(filenames) or "-")])
    record_event(case=case, action=ANSWERED, actor=COMPLAINANT_ACTOR,
                 data_after={"text": text, "files": filenames})
    return _deliver(case, MISSING_DATA_MESSAGE, {"nomor_pelacakan": case.tracking_number, "keterangan": text,
                                                 "lampiran": filenames})


def object_to_outcome(*, complaint: Complaint, reason: str, uploads: list[Upload], lang: str = "id") -> Case:
    """A keberatan: the reason (and files) go on the case and the workflow waiting at
    `keberatan_diajukan` opens the supervisor's task; commits."""
    case = complaint.case
    reason = _checked_text(reason, uploads, lang=lang, limit=MAX_TEXT)
    if OBJECTION_MESSAGE not in load_instance(case).waiting_messages():
        raise ReplyRefused({"": in_language(_l(
            "Keberatan tidak dapat diajukan lagi untuk pengaduan ini (masa keberatan sudah lewat atau keberatan "
            "sudah diajukan)."), lang)})
    filenames = _store(case, uploads, kind="keberatan")
    _record(case, "Keberatan pengadu", [("Alasan keberatan", reason), ("Lampiran", ", ".join(filenames) or "-")])
    record_event(case=case, action=OBJECTED, actor=COMPLAINANT_ACTOR, data_after={"reason": reason, "files": filenames})
    return _deliver(case, OBJECTION_MESSAGE, {"nomor_pelacakan": case.tracking_number, "alasan": reason,
                                              "lampiran": filenames})


def rate_outcome(*, complaint: Complaint, rating, comment: str, lang: str = "id") -> Case:
    """The complainant's rating (1-5) of the outcome, once, after a report reached them;
    commits. It needs no workflow step: it changes nothing in the handling."""
    case = complaint.case
    errors = {}
    try:
        value = int(str(rating).strip())
    except ValueError:
        value = 0
    if not 1 <= value <= 5:
        errors["rating"] = in_language(_l("Pilih nilai 1 sampai 5."), lang)
    comment = (comment or "").strip()
    if len(comment) > MAX_COMMENT:
        errors["comment"] = in_language(_l("Terlalu panjang (maksimal %(n)s karakter).", n=MAX_COMMENT), lang)
    if errors:
        raise ReplyRefused(errors)
    if not public_reports(case=case, lang=lang):
        raise ReplyRefused({"": in_language(
            _l("Penilaian dapat diberikan setelah hasil tindak lanjut disampaikan."), lang)})
    # A no-op write takes the case row's lock (PostgreSQL) or the database's write lock
    # (SQLite) first, so two rating requests at once cannot both find no rating yet.
    db.session.execute(db.update(Case).where(Case.id == case.id).values(title=Case.title)
                       .execution_options(synchronize_session=False))
    already = db.session.scalars(
        db.select(AuditEvent.id).where(AuditEvent.case_id == case.id, AuditEvent.action == RATED)
    ).first()
    if already is not None:
        db.session.rollback()  # release the lock taken above before answering
        raise ReplyRefused({"": in_language(_l("Anda sudah memberi penilaian untuk pengaduan ini."), lang)})
    _record(case, "Penilaian pengadu atas hasil tindak lanjut", [("Nilai", f"{value} dari 5"), ("Komentar", comment or "-")])
    record_event(case=case, action=RATED, actor=COMPLAINANT_ACTOR, data_after={"rating": value, "comment": comment})
    db.session.commit()
    return case


@in_callers_language
def _checked_text(text: str, uploads: list[Upload], *, lang: str, limit: int) -> str:
    errors = {}
    text = (text or "").strip()
    if not text:
        errors["text"] = _("Wajib diisi.")
    elif len(text) > limit:
        errors["text"] = _("Terlalu panjang (maksimal %(n)s karakter).", n=limit)
    problems = check_uploads(uploads, lang=lang)
    if problems:
        errors["lampiran"] = " ".join(problems)
    if errors:
        raise ReplyRefused(errors)
    return text


def _store(case: Case, uploads: list[Upload], *, kind: str) -> list[str]:
    return [add_document(case=case, upload=u, kind=kind, uploaded_by=COMPLAINANT_ACTOR).filename for u in uploads]


def _record(case: Case, title: str, items: list[tuple[str, str]]) -> None:
    db.session.add(CaseRecord(case_id=case.id, title=title, author=COMPLAINANT_ACTOR,
                              content=[{"label": label, "value": value} for label, value in items]))


def _deliver(case: Case, message: str, payload: dict) -> Case:
    """Resume the workflow; deliver_message commits what was staged above with it. If it
    refuses (the case moved on meanwhile) or the engine fails, nothing staged is kept."""
    try:
        return deliver_message(case_id=case.id, message=message, payload=payload, actor=COMPLAINANT_ACTOR)
    except CaseError:
        db.session.rollback()
        raise
