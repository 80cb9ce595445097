"""Receiving mail for an organisation (issue 16): store the message as it arrived, with
its SHA-256 in the audit chain, commit, and only then read it and decide what it is.

A message seen twice (IMAP re-fetch after a failure, an MTA retry) is recognised by its
Message-ID within the organisation and stored once. Nothing is dropped: a message that
cannot be read, looks like spam or comes from a denied sender is kept as "refused" with
its reason, visible to the receiving lane.
"""
import hashlib
import logging

from sqlalchemy.exc import IntegrityError

from app.extensions import db
from app.models import InboundMail, Organisation
from app.models.types import utcnow
from app.services.audit_trail.audit import SYSTEM_ACTOR, record_event
from app.services.intake.abuse import SpamSuspected
from app.services.intake.spam_checks import check_content
from app.services.mail.mail_parse import ParsedMail, message_id_of, parse_mail
from app.services.mail.mail_settings import listed, mail_settings
from app.services.mail.mail_threads import thread_reply

log = logging.getLogger(__name__)

MAIL_RECEIVED = "mail.received"
MAIL_REFUSED = "mail.refused"

_REASONS = {
    "unreadable": "Isi pesan tidak dapat dibaca.",
    "no_sender": "Pesan tanpa alamat pengirim.",
    "denied": "Pengirim ada dalam daftar tolak instansi.",
}


class MailIntakeError(ValueError):
    pass


class UnknownOrganisation(MailIntakeError):
    pass


def receive_mail(*, organisation_code: str, raw: bytes, source: str) -> tuple[InboundMail, bool]:
    """Store one message for an organisation, then classify it; commits twice (the
    message first, so a failure while reading it loses nothing). Returns the stored row
    and whether it is new (False: the same Message-ID was already there)."""
    organisation = db.session.get(Organisation, organisation_code)
    if organisation is None:
        raise UnknownOrganisation(f"Instansi tidak dikenal: {organisation_code}")
    if not raw.strip():
        raise MailIntakeError("Pesan kosong.")
    message_id = message_id_of(raw)
    existing = _stored(organisation_code, message_id)
    if existing is not None:
        return existing, False
    digest = hashlib.sha256(raw).hexdigest()
    mail = InboundMail(organisation_code=organisation_code, message_id=message_id, sha256=digest, size=len(raw),
                       raw=raw, source=source, status="draft")
    db.session.add(mail)
    try:
        db.session.flush()
    except IntegrityError:
        # Another fetcher stored it between our look and our insert.
        db.session.rollback()
        stored = _stored(organisation_code, message_id)
        if stored is None:  # the other insert was rolled back in turn: ours failed for another reason
            raise
        return stored, False
    record_event(case=None, action=MAIL_RECEIVED, actor=SYSTEM_ACTOR,
                 data_after={"inbound_mail": mail.id, "organisation": organisation_code, "message_id": message_id,
                             "sha256": digest, "size": len(raw), "source": source})
    db.session.commit()
    classify_mail(mail=mail, raw=raw)
    return mail, True


def _stored(organisation_code: str, message_id: str) -> InboundMail | None:
    return db.session.scalars(db.select(InboundMail).where(
        InboundMail.organisation_code == organisation_code, InboundMail.message_id == message_id)).first()


def classify_mail(*, mail: InboundMail, raw: bytes | None = None) -> InboundMail:
    """Read a stored message and give it its status; commits. A reader's crash here
    leaves the message stored as a draft for an officer to look at. `raw`: the stored
    bytes when the caller still has them (not read back from the database)."""
    try:
        parsed = parse_mail(mail.raw if raw is None else raw)
    except Exception:  # noqa: BLE001 - whatever the parser raises, the message stays
        log.warning("inbound mail %s could not be parsed", mail.id, exc_info=True)
        return _refuse(mail, _REASONS["unreadable"])
    mail.sender, mail.subject = parsed.sender, parsed.subject
    settings = mail_settings(db.session.get_one(Organisation, mail.organisation_code))
    if not parsed.sender:
        return _refuse(mail, _REASONS["no_sender"])
    if listed(parsed.sender, settings.deny):
        return _refuse(mail, _REASONS["denied"])
    if thread_reply(mail=mail, parsed=parsed):
        db.session.commit()
        return mail
    if not listed(parsed.sender, settings.allow):
        try:
            check_content([parsed.subject, parsed.body])
        except SpamSuspected as exc:
            return _refuse(mail, exc.message("id"))
    mail.status = "draft"
    db.session.commit()
    return mail


def _refuse(mail: InboundMail, reason: str) -> InboundMail:
    mail.status, mail.refusal_reason = "refused", reason
    record_event(case=None, action=MAIL_REFUSED, actor=SYSTEM_ACTOR,
                 data_after={"inbound_mail": mail.id, "reason": reason})
    db.session.commit()
    return mail


def parsed_mail(mail: InboundMail) -> ParsedMail | None:
    try:
        return parse_mail(mail.raw)
    except Exception:  # noqa: BLE001
        return None


def mark_handled(mail: InboundMail, *, status: str, actor: str) -> None:
    mail.status, mail.handled_by, mail.handled_at = status, actor, utcnow()
