"""Replies by mail, threaded to their case (issue 16 item 3).

Every notification leaves with a Message-ID and a Reply-To that carry the tracking
number (app/services/mail/notifications.py). A message that names a case of the receiving
organisation (In-Reply-To/References, a plus-address, or the number in its subject) is a
reply to it. From the complainant's address it goes on the case as the complainant's
message, and if the case waits for missing data (SOP 002 3j) it is delivered to the
workflow as the tracking page's answer is. From any other address it is held for an
officer to accept or refuse: a From header is easily forged, and only the address the
complainant gave is trusted without a look.
"""
import re

from app.extensions import db
from app.models import Case, CaseRecord, Complaint, InboundMail
from app.services.audit_trail.audit import SYSTEM_ACTOR, record_event
from app.services.casework.workflow_state import load_instance
from app.services.intake.complainant_replies import MAX_TEXT, answer_missing_data
from app.services.intake.complaints import COMPLAINANT_ACTOR, MAX_FILES, Upload, add_document, check_uploads
from app.services.intake.tracking import MISSING_DATA_MESSAGE
from app.services.mail.mail_parse import ParsedMail

TRACKING_NUMBER = re.compile(r"DUMAS-\d{4}-\d{6}", re.IGNORECASE)
MAIL_THREADED = "mail.threaded"
MAIL_HELD = "mail.held"
COMPLAINANT_MAIL = "complainant.mail_reply"


def thread_reply(*, mail: InboundMail, parsed: ParsedMail) -> bool:
    """Attach a reply to its case, or hold it; False when it is not a reply to a case of
    the receiving organisation. The caller commits."""
    case = _case_replied_to(mail, parsed)
    if case is None:
        return False
    mail.case_id = case.id
    complaint = db.session.scalars(db.select(Complaint).where(Complaint.case_id == case.id)).first()
    if complaint is not None and complaint.email and complaint.email.strip().lower() == parsed.sender:
        attach_reply(mail=mail, case=case, complaint=complaint, parsed=parsed, actor=COMPLAINANT_ACTOR)
    else:
        mail.status = "held"
        record_event(case=case, action=MAIL_HELD, actor=SYSTEM_ACTOR,
                     data_after={"inbound_mail": mail.id, "sha256": mail.sha256})
    return True


def _case_replied_to(mail: InboundMail, parsed: ParsedMail) -> Case | None:
    candidates = [*parsed.in_reply_to, *parsed.references, *parsed.recipients, parsed.subject]
    for text in candidates:
        for number in TRACKING_NUMBER.findall(text):
            case = db.session.scalars(db.select(Case).where(
                Case.tracking_number == number.upper(), Case.organisation_code == mail.organisation_code)).first()
            if case is not None:
                return case
    return None


def reply_text(body: str) -> str:
    """The reply without the quoted message below it."""
    lines = [line for line in body.splitlines() if not line.lstrip().startswith(">")]
    return "\n".join(lines).strip()[:MAX_TEXT] or "(tanpa teks)"


def _uploads(parsed: ParsedMail) -> list[Upload]:
    uploads = [Upload(a.filename, a.content, a.content_type) for a in parsed.attachments]
    return [u for u in uploads if not check_uploads([u], lang="id")][:MAX_FILES]


def attach_reply(*, mail: InboundMail, case: Case, complaint: Complaint, parsed: ParsedMail, actor: str) -> None:
    """Put a reply on its case; commits. A case waiting for missing data gets it as the
    answer (the workflow resumes, as from the tracking page)."""
    text, uploads = reply_text(parsed.body), _uploads(parsed)
    mail.status, mail.case_id = "threaded", case.id
    record_event(case=case, action=MAIL_THREADED, actor=actor,
                 data_after={"inbound_mail": mail.id, "sha256": mail.sha256})
    if not case.completed and MISSING_DATA_MESSAGE in load_instance(case).waiting_messages():
        # Commits the mail's status, the record, the files and the workflow's move together.
        answer_missing_data(complaint=complaint, text=text, uploads=uploads)
        return
    filenames = [add_document(case=case, upload=u, kind="balasan_email", uploaded_by=COMPLAINANT_ACTOR).filename
                 for u in uploads]
    db.session.add(CaseRecord(case_id=case.id, title="Balasan email dari pengadu", author=COMPLAINANT_ACTOR,
                              content=[{"label": "Subjek", "value": parsed.subject},
                                       {"label": "Isi", "value": text},
                                       {"label": "Lampiran", "value": ", ".join(filenames) or "-"}]))
    record_event(case=case, action=COMPLAINANT_MAIL, actor=COMPLAINANT_ACTOR,
                 data_after={"text": text, "files": filenames, "inbound_mail": mail.id})
    db.session.commit()
