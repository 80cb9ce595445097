"""Internal notes on a case: what staff write and attach outside a task form (a phone
call with the reported unit, a memo, a scanned letter).

A note lives only in the audit trail (`case.note_added`: append-only and hash-chained,
so a note is never edited or removed) and its files in the case's documents, checked as
every upload is (app/services/intake/complaints.py). The public tracking page and API read a
fixed list of actions (app/services/intake/tracking.py) and only the complainant's own files,
so a note never reaches the complainant. Readers who may not see the complainant's
identity read a note with those values blanked: the staff timeline, the API's events and
the printed file all pass it through `identity.redact_identity`.
"""
from flask_babel import gettext as _

from app.extensions import db
from app.models import AuditEvent, Case, User
from app.services.audit_trail.audit import record_event
from app.services.intake.complaints import Upload, add_document, check_uploads

NOTE_ADDED = "case.note_added"
NOTE_KIND = "catatan"  # the kind of a document attached to a note
MAX_NOTE_LENGTH = 4000


class NoteInvalid(Exception):
    """What is wrong with the note: field ("text", "lampiran") -> message, in the
    writer's language."""

    def __init__(self, errors: dict[str, str]):
        super().__init__("; ".join(errors.values()))
        self.errors = errors


def add_note(*, case: Case, text: str, uploads: list[Upload], actor: User, lang: str = "id") -> AuditEvent:
    """Add a note (text, files or both) to a case the caller has checked `actor` may
    see; commits."""
    text = (text or "").strip()
    uploads = [upload for upload in uploads if upload.filename or upload.content]
    errors = {}
    if not text and not uploads:
        errors["text"] = _("Tulis catatan atau lampirkan dokumen.")
    elif len(text) > MAX_NOTE_LENGTH:
        errors["text"] = _("Catatan paling panjang %(n)s karakter.", n=MAX_NOTE_LENGTH)
    if problems := check_uploads(uploads, lang=lang):
        errors["lampiran"] = " ".join(problems)
    if errors:
        raise NoteInvalid(errors)
    documents = [add_document(case=case, upload=upload, kind=NOTE_KIND, uploaded_by=actor.username)
                 for upload in uploads]
    event = record_event(case=case, action=NOTE_ADDED, actor=actor.username,
                         data_after={"text": text, "documents": [d.filename for d in documents]})
    db.session.commit()
    return event

