"""A mailed complaint becomes a case (issue 16 item 2): the receiving lane sees its
organisation's mail on the offline-entry page, opens one, completes what the SOP requires
(the identity) and files it through the same path as a letter, channel "email".

The complainant gets the receipt (tracking number, never the access code) only when the
organisation's mail settings say so: the sender of a mail is not proven to be the
complainant, and an automatic answer to every mail would confirm addresses to spammers.

A reply held back from a case's thread (app/services/mail/mail_threads.py) is accepted here
too: like filing and refusing, it is the officer's action on a listed message.
"""
from dataclasses import dataclass, field
from datetime import date

from flask_babel import LazyString
from flask_babel import lazy_gettext as _l

from app.extensions import db
from app.i18n import in_language
from app.models import Case, Complaint, InboundMail, Organisation, User
from app.models.types import utcnow
from app.services.audit_trail.audit import record_event
from app.services.intake.complaints import MAIL_CHANNEL, MAX_FILES, ComplaintInvalid, Upload, check_uploads
from app.services.intake.offline import offline_intakes, record_offline_complaint
from app.services.mail.mail_intake import mark_handled, parsed_mail
from app.services.mail.mail_parse import parse_mail
from app.services.mail.mail_settings import mail_settings
from app.services.mail.mail_threads import attach_reply
from app.services.organisation.access import NotAllowed

MAIL_FILED = "mail.filed"
MAIL_REFUSED_BY_OFFICER = "mail.refused_by_officer"
# What the lane's list shows: mail still to handle, and refused mail with its reason.
LISTED_STATUSES = ("draft", "held", "refused")
MAX_REFUSAL_REASON = 500


class MailNotFiled(ValueError):
    """`text` is a lazy message: it is translated where it is shown."""

    def __init__(self, text: LazyString):
        super().__init__(text)
        self.text = text

    def message(self, lang: str) -> str:
        return in_language(self.text, lang)


@dataclass
class MailAttachment:
    filename: str
    size: int
    # Why it will not be attached to the case ("" when it will): the same checks as an upload.
    problem: str = ""


@dataclass
class MailDraft:
    mail: InboundMail
    sender: str
    subject: str
    body: str
    attachments: list[MailAttachment] = field(default_factory=list)
    readable: bool = True
    uploads: list[Upload] = field(default_factory=list)
    # The case a reply names (held or threaded mail).
    case: Case | None = None
    # What the parser found wrong with the message's structure.
    defects: list[str] = field(default_factory=list)


def mail_inbox(*, user: User) -> list[InboundMail]:
    """The user's organisations' mail to handle and refused mail, newest first."""
    codes = [organisation.code for organisation in offline_intakes(user=user)]
    if not codes:
        return []
    return list(db.session.scalars(db.select(InboundMail).where(
        InboundMail.organisation_code.in_(codes), InboundMail.status.in_(LISTED_STATUSES))
        .order_by(InboundMail.received_at.desc(), InboundMail.id.desc())))


def mail_for_officer(*, user: User, mail_id: int) -> InboundMail:
    """One message of an organisation the user enters complaints for; NotAllowed otherwise."""
    codes = [organisation.code for organisation in offline_intakes(user=user)]
    mail = db.session.scalars(db.select(InboundMail).where(
        InboundMail.id == mail_id, InboundMail.organisation_code.in_(codes))).first()
    if mail is None:
        raise NotAllowed(_l("Pesan tidak ditemukan."))
    return mail


def mail_draft(*, mail: InboundMail, lang: str = "id") -> MailDraft:
    """What an officer reads: the safe plain-text body and each attachment, checked."""
    parsed = parsed_mail(mail)
    if parsed is None:
        return MailDraft(mail=mail, sender=mail.sender, subject=mail.subject, body="", readable=False)
    draft = MailDraft(mail=mail, sender=parsed.sender, subject=parsed.subject, body=parsed.body,
                      case=db.session.get(Case, mail.case_id) if mail.case_id else None, defects=parsed.defects)
    for attachment in parsed.attachments:
        upload = Upload(attachment.filename, attachment.content, attachment.content_type)
        problems = check_uploads([upload], lang=lang)
        if not problems and len(draft.uploads) >= MAX_FILES:
            problems = [in_language(_l("Lebih dari %(n)s lampiran: tidak dilampirkan.", n=MAX_FILES), lang)]
        draft.attachments.append(MailAttachment(attachment.filename, len(attachment.content), " ".join(problems)))
        if not problems:
            draft.uploads.append(upload)
    return draft


def file_mailed_complaint(*, user: User, mail_id: int, raw: dict, lang: str = "id",
                          today: date | None = None) -> tuple[Case, str]:
    """Make a case of a mailed complaint with the identity the officer completed; the
    attachments that pass the upload checks go with it; commits."""
    mail = mail_for_officer(user=user, mail_id=mail_id)
    if mail.status not in ("draft", "refused"):
        raise MailNotFiled(_l("Pesan ini sudah ditangani."))
    draft = mail_draft(mail=mail, lang=lang)
    case, access_code = record_offline_complaint(
        user=user, raw={**raw, "instansi": mail.organisation_code}, uploads=draft.uploads, letter=None,
        channel=MAIL_CHANNEL, channels=(MAIL_CHANNEL,), lang=lang, today=today)
    mail.case_id = case.id
    mark_handled(mail, status="filed", actor=user.username)
    settings = mail_settings(db.session.get_one(Organisation, mail.organisation_code))
    record_event(case=case, action=MAIL_FILED, actor=user.username,
                 data_after={"inbound_mail": mail.id, "sha256": mail.sha256, "auto_reply": settings.auto_reply})
    db.session.commit()
    return case, access_code


def refuse_mail(*, user: User, mail_id: int, reason: str) -> InboundMail:
    """An officer refuses a message (kept, with the reason); commits."""
    mail = mail_for_officer(user=user, mail_id=mail_id)
    reason = " ".join(reason.split())
    if not reason:
        raise ComplaintInvalid({"alasan": "Tulis alasan penolakan."})
    if mail.status not in ("draft", "held"):
        raise MailNotFiled(_l("Pesan ini sudah ditangani."))
    mail.refusal_reason = reason[:MAX_REFUSAL_REASON]
    mark_handled(mail, status="refused", actor=user.username)
    record_event(case=None, action=MAIL_REFUSED_BY_OFFICER, actor=user.username,
                 data_after={"inbound_mail": mail.id, "reason": mail.refusal_reason})
    db.session.commit()
    return mail


def accept_held_reply(*, user: User, mail: InboundMail) -> Case:
    """An officer accepts a held reply as the complainant's message; commits. The caller
    has checked the officer may handle the message's organisation."""
    if mail.status != "held" or mail.case_id is None:
        raise MailNotFiled(_l("Pesan ini tidak sedang ditahan."))
    case = db.session.get_one(Case, mail.case_id)
    complaint = db.session.scalars(db.select(Complaint).where(Complaint.case_id == case.id)).one()
    mail.handled_by, mail.handled_at = user.username, utcnow()
    attach_reply(mail=mail, case=case, complaint=complaint, parsed=parse_mail(mail.raw), actor=user.username)
    return case


def mail_of_case(*, case_id: int) -> InboundMail | None:
    """The message a case was filed from (the caller has checked access to the case)."""
    return db.session.scalars(db.select(InboundMail).where(
        InboundMail.case_id == case_id, InboundMail.status == "filed")).first()
