"""Messages to the complainant, derived from the audit trail as it is written.

Every audit event added to a session is noted; just before that session commits, the
events that concern the complainant (RULES: action -> template) become rows of the
notification outbox, in the same transaction. A rolled-back use case therefore leaves
no message behind, and a committed one always has its message, whatever happens to
Redis or a worker afterwards. A helper adding a new complainant-facing action adds one
line to RULES and one template in app/templates/email/ (both languages, via Flask-Babel).

What is never put in a message: the access code (whoever reads a forwarded or leaked
email could open the case with it; the complainant got it once, on screen), the
complainant's name or other identity fields, staff names or internal notes.
"""
from collections.abc import Callable
from dataclasses import dataclass

from flask import current_app
from sqlalchemy import event
from sqlalchemy.orm import Session

from app.models import AuditEvent, Complaint, Notification, Organisation
from app.services.casefile.email_render import render_email
from app.services.casework.transaction_complaints import complaint_in_transaction
from app.services.casework.transaction_complaints import install as install_complaint_lookup
from app.services.definitions.statuses import has_public_description
from app.services.intake.tracking import status_description, status_label
from app.services.mail.mail_headers import reply_address

_PENDING = "dumas_outbox_pending_events"


@dataclass(frozen=True)
class Rule:
    template: str
    # Whether this event is worth a message, given its data_after (None: always).
    wanted: Callable[[dict], bool] | None = None


def _public_status_change(data: dict) -> bool:
    # Only statuses explained to complainants (SOP 004's internal monitoring ones are
    # not), and not "diterima", which the receipt message already says.
    return has_public_description(data.get("status") or "") and data.get("status") != "diterima"


RULES: dict[str, Rule] = {
    "case.started": Rule("received"),
    "case.status_changed": Rule("status", _public_status_change),
    "case.closed": Rule("closed"),
    "complainant.info_requested": Rule("info_requested"),
    "complainant.answered": Rule("answer_received"),
    "complainant.objected": Rule("objection_received"),
    "complainant.rated": Rule("rating_received"),
    # A mailed complaint's receipt, only when its organisation answers mail automatically
    # (app/services/mail/mail_complaints.py); its "case.started" sends nothing.
    "mail.filed": Rule("received", lambda data: bool(data.get("auto_reply"))),
}


def install() -> None:
    """Listen to every session of the process (idempotent: create_app calls it per app)."""
    install_complaint_lookup()
    if not event.contains(Session, "before_flush", _note_new_events):
        event.listen(Session, "before_flush", _note_new_events)
        event.listen(Session, "before_commit", _write_outbox)
        event.listen(Session, "after_rollback", _forget)
        event.listen(Session, "after_commit", _forget)


def _note_new_events(session: Session, _context, _instances) -> None:
    pending = session.info.setdefault(_PENDING, [])
    pending.extend(obj for obj in session.new if isinstance(obj, AuditEvent) and obj.action in RULES)


def _forget(session: Session) -> None:
    session.info.pop(_PENDING, None)


def _write_outbox(session: Session) -> None:
    session.flush()  # events added since the last flush pass through before_flush now
    events = session.info.pop(_PENDING, [])
    if not events:
        return
    # One per event, in order, and only those still in the session (a savepoint rolled
    # back expunges what was added inside it).
    events = [e for e in dict.fromkeys(events) if e in session]
    # Whom to write to first: a case without a complainant to contact (a staff-started
    # case, a report left without an address) needs no rule evaluated, and a status rule
    # reads the status table. _without_repeats compares events of the same case only, so
    # dropping whole cases first leaves the same messages.
    contacts = {case_id: complaint for case_id in dict.fromkeys(e.case_id for e in events)
                if (complaint := _complaint_of(session, case_id)) is not None and may_contact(complaint)}
    for audit_event in _without_repeats([e for e in events if e.case_id in contacts]):
        complaint = contacts[audit_event.case_id]
        if audit_event.action == "case.started" and complaint.channel == "email":
            continue
        session.add(_message(session, complaint, audit_event))


def _wanted(rule: Rule, event: AuditEvent) -> bool:
    return rule.wanted is None or rule.wanted(event.data_after or {})


def _without_repeats(events: list[AuditEvent]) -> list[AuditEvent]:
    """One message per thing that happened: a new case's first status is part of its
    receipt, a case closing as it reaches its final status says so once (the closing
    message names the status), and a request for missing data is not also announced as
    the status "menunggu_kelengkapan"."""
    wanted = [e for e in events if _wanted(RULES[e.action], e)]
    closed = {(e.case_id, (e.data_after or {}).get("status")) for e in wanted if e.action == "case.closed"}
    asked = {e.case_id for e in wanted if e.action == "complainant.info_requested"}
    started = {e.case_id for e in wanted if e.action == "case.started"}
    kept = []
    for e in wanted:
        status = (e.data_after or {}).get("status")
        if e.action == "case.status_changed" and (
            e.case_id in started or (e.case_id, status) in closed
            or (status == "menunggu_kelengkapan" and e.case_id in asked)
        ):
            continue
        kept.append(e)
    return kept


def _complaint_of(session: Session, case_id: int | None) -> Complaint | None:
    if case_id is None:
        return None
    return complaint_in_transaction(session, case_id)


def may_contact(complaint: Complaint) -> bool:
    """A complainant is written to when they left an email address. That holds for an
    anonymous or confidential report too: the message goes to the address they gave and
    shows no one else who they are (the outbox page masks the address, the audit trail
    and the logs never carry it)."""
    return bool((complaint.email or "").strip())


def _message(session: Session, complaint: Complaint, audit_event: AuditEvent) -> Notification:
    lang = "en" if complaint.language == "en" else "id"
    case = complaint.case
    data = audit_event.data_after or {}
    status = data.get("status") or case.status
    base_url = current_app.config.get("DUMAS_PUBLIC_URL", "")
    organisation = session.get(Organisation, case.organisation_code) if case.organisation_code else None
    rendered = render_email(
        RULES[audit_event.action].template, lang=lang,
        agency=organisation.name if organisation else "",
        reply_enabled=bool(reply_address(case)),
        tracking_number=case.tracking_number,
        title=case.title,
        status_label=status_label(status, lang=lang),
        status_description=status_description(status, lang=lang),
        final_status=status,
        missing=str(data.get("missing") or ""),
        track_url=f"{base_url}/lacak?nomor={case.tracking_number}" if base_url else "",
    )
    return Notification(
        case_id=case.id, kind=RULES[audit_event.action].template, source_action=audit_event.action,
        recipient=complaint.email.strip(), language=lang, subject=rendered.subject, body=rendered.text,
        body_html=rendered.html,
    )
