"""Delivering the notification outbox by email, and the staff's daily digest.

Rows come from app/services/mail/outbox.py (messages to complainants, written with the audit
event that causes them) and from `queue_staff_digests`. A sender (the embedded thread,
app/background.py, or the Celery task in app/tasks/notifications.py) calls
`send_due_notifications`: each message is claimed, sent over SMTP, and marked sent with
a `notification.sent` audit event; a failure is retried with exponential backoff
(`notification.failed`), and after MAX_ATTEMPTS the message is left `failed` on the
administrator's outbox page. Without a configured mail server nothing is attempted and
messages stay `queued`, readable on that page.

Delivery is at least once: a sender that dies between the SMTP server accepting a
message and the row being marked sent leaves it to be sent again after CLAIM_TIMEOUT.
"""
import logging
import smtplib
import ssl
from dataclasses import dataclass
from datetime import datetime, timedelta, timezone
from email.message import EmailMessage
from typing import cast
from zoneinfo import ZoneInfo

from flask import current_app
from flask_babel import lazy_gettext as _l
from sqlalchemy import CursorResult, update
from sqlalchemy.exc import IntegrityError

from app.extensions import db
from app.models import Case, Complaint, Notification, Organisation, User
from app.services.audit_trail.audit import SYSTEM_ACTOR, record_event
from app.services.casefile.email_render import render_email
from app.services.mail.mail_headers import thread_headers
from app.services.organisation.calendar import calendar_for
from app.services.organisation.identity import identity_visible
from app.services.worklist.inbox import inbox

log = logging.getLogger(__name__)

MAX_ATTEMPTS = 8
BACKOFF_BASE = timedelta(seconds=30)
BACKOFF_CAP = timedelta(hours=2)
# A message claimed longer ago than this by a sender that never finished is sent again.
CLAIM_TIMEOUT = timedelta(minutes=10)
DIGEST_DUE_DAYS = 2
OUTBOX_PAGE_SIZE = 100


class NotificationError(ValueError):
    pass


def mail_configured() -> bool:
    return bool(current_app.config.get("DUMAS_SMTP_HOST"))


def backoff(attempts: int) -> timedelta:
    """30 s, 1 min, 2 min, 4 min ... after the 1st, 2nd, 3rd ... failure, at most 2 h."""
    return min(BACKOFF_BASE * (2 ** max(0, attempts - 1)), BACKOFF_CAP)


def send_due_notifications(*, now: datetime | None = None, limit: int = 50) -> int:
    """Send what is due (queued and past its next attempt, or stuck in a dead sender's
    claim); returns how many went out. Each message is its own transaction."""
    if not mail_configured():
        return 0
    now = now or datetime.now(timezone.utc)
    due = db.or_(
        db.and_(Notification.status == "queued", Notification.next_attempt_at <= now),
        db.and_(Notification.status == "sending", Notification.claimed_at < now - CLAIM_TIMEOUT),
    )
    ids = list(db.session.scalars(db.select(Notification.id).where(due).order_by(Notification.id).limit(limit)))
    db.session.rollback()
    sent = 0
    for notification_id in ids:
        if _claim(notification_id, due=due, now=now):
            sent += _deliver(notification_id, now=now)
    return sent


def _claim(notification_id: int, *, due, now: datetime) -> bool:
    """Take the message for this sender; another sender's claim makes this one skip it."""
    taken = cast(CursorResult, db.session.execute(
        update(Notification).where(Notification.id == notification_id, due)
        .values(status="sending", claimed_at=now).execution_options(synchronize_session=False)
    )).rowcount
    db.session.commit()
    return taken == 1


def _deliver(notification_id: int, *, now: datetime) -> bool:
    notification = db.session.get_one(Notification, notification_id)
    attempt = notification.attempts + 1
    try:
        _smtp_send(notification)
    except (OSError, smtplib.SMTPException) as exc:
        notification.attempts = attempt
        notification.last_error = _describe(exc)
        given_up = attempt >= MAX_ATTEMPTS
        notification.status = "failed" if given_up else "queued"
        notification.next_attempt_at = now + backoff(attempt)
        record_event(case=_case(notification), action="notification.failed", actor=SYSTEM_ACTOR,
                     data_after={"notification_id": notification.id, "kind": notification.kind, "attempt": attempt,
                                 "given_up": given_up,
                                 "next_attempt_at": None if given_up else notification.next_attempt_at.isoformat()},
                     detail=notification.last_error)
        db.session.commit()
        log.warning("notification %s attempt %s failed: %s", notification_id, attempt, notification.last_error)
        return False
    notification.attempts = attempt
    notification.status = "sent"
    notification.sent_at = now
    notification.last_error = None
    # The address stays out of the audit trail: for an anonymous report it is identity.
    record_event(case=_case(notification), action="notification.sent", actor=SYSTEM_ACTOR,
                 data_after={"notification_id": notification.id, "kind": notification.kind, "attempt": attempt})
    db.session.commit()
    return True


def _case(notification: Notification) -> Case | None:
    return db.session.get(Case, notification.case_id) if notification.case_id else None


def _describe(exc: Exception) -> str:
    """What went wrong, without the server's text, which may quote the recipient."""
    code = getattr(exc, "smtp_code", None)
    return f"{type(exc).__name__}{f' {code}' if code else ''}"


def _smtp_send(notification: Notification) -> None:
    config = current_app.config
    message = EmailMessage()
    message["From"] = config["DUMAS_MAIL_FROM"]
    message["To"] = notification.recipient
    message["Subject"] = notification.subject
    for name, value in thread_headers(notification=notification, case=_case(notification)).items():
        message[name] = value
    message["Auto-Submitted"] = "auto-generated"
    message["Content-Language"] = notification.language
    message.set_content(notification.body)
    if notification.body_html:
        message.add_alternative(notification.body_html, subtype="html")
    with smtplib.SMTP(config["DUMAS_SMTP_HOST"], config["DUMAS_SMTP_PORT"], timeout=20) as smtp:
        if config.get("DUMAS_SMTP_STARTTLS"):
            smtp.starttls(context=ssl.create_default_context())
        if config.get("DUMAS_SMTP_USER"):
            smtp.login(config["DUMAS_SMTP_USER"], config["DUMAS_SMTP_PASSWORD"])
        smtp.send_message(message)


# --- The staff digest ---------------------------------------------------------------

@dataclass(frozen=True)
class DigestLine:
    tracking_number: str
    title: str
    due_at: str
    overdue: bool


def queue_staff_digests(*, now: datetime | None = None) -> int:
    """On each working day of a staff member's organisation, from DUMAS_DIGEST_HOUR in
    its time zone, queue a digest of their new and due tasks to each active user with
    an email; returns how many were queued. Once per user and day (a unique key),
    whichever process gets there first."""
    now = now or datetime.now(timezone.utc)
    users = db.session.scalars(
        db.select(User).where(User.active.is_(True), User.email.is_not(None), User.email != "").order_by(User.id)
    ).all()
    due_now = {}
    for user in users:
        calendar = calendar_for(user.organisation_code)
        local = now.astimezone(calendar.zone)
        if local.hour >= current_app.config["DUMAS_DIGEST_HOUR"] and calendar.is_working_day(local.date()):
            due_now[f"digest:{user.id}:{local.date().isoformat()}"] = (user, calendar.zone, local.date().isoformat())
    done = set(db.session.scalars(db.select(Notification.dedupe_key).where(Notification.dedupe_key.in_(due_now))))
    queued = 0
    for key, (user, zone, day) in due_now.items():
        if key in done:
            continue
        db.session.add(_digest(user, key=key, day=day, now=now, zone=zone))
        try:
            db.session.commit()
        except IntegrityError:  # another sender queued it first
            db.session.rollback()
            continue
        queued += 1
    db.session.rollback()
    return queued


def _digest(user: User, *, key: str, day: str, now: datetime, zone: ZoneInfo) -> Notification:
    entries = inbox(user=user, per_page=500).entries
    soon = now + timedelta(days=DIGEST_DUE_DAYS)

    def line(entry) -> DigestLine:
        due = entry.due_at.astimezone(zone).strftime("%Y-%m-%d %H:%M") if entry.due_at else ""
        return DigestLine(entry.case.tracking_number or "", entry.title, due, bool(entry.due_at and entry.due_at < now))

    new = [line(e) for e in entries if e.created_at >= now - timedelta(days=1)]
    due = [line(e) for e in entries if e.due_at is not None and e.due_at <= soon]
    base_url = current_app.config.get("DUMAS_PUBLIC_URL", "")
    organisation = db.session.get(Organisation, user.organisation_code) if user.organisation_code else None
    rendered = render_email("digest", lang="id", agency=organisation.name if organisation else "",
                            day=day, name=user.full_name or user.username,
                            new_tasks=new, due_tasks=due, due_days=DIGEST_DUE_DAYS,
                            inbox_url=f"{base_url}/tugas" if base_url else "")
    return Notification(user_id=user.id, kind="digest", dedupe_key=key, recipient=(user.email or "").strip(),
                        language="id", subject=rendered.subject, body=rendered.text, body_html=rendered.html,
                        status="queued" if new or due else "skipped")


# --- The administrator's outbox page ----------------------------------------------------

@dataclass(frozen=True)
class OutboxEntry:
    notification: Notification
    tracking_number: str
    recipient: str  # masked where the viewer may not see the complainant's identity


def outbox_entries(*, viewer: User, status: str | None = None) -> list[OutboxEntry]:
    """The latest messages, newest first; a complainant's address is shown only to a
    viewer who may see that complainant's identity (app/services/organisation/identity.py)."""
    query = db.select(Notification).where(Notification.status != "skipped")
    if status:
        query = query.where(Notification.status == status)
    notifications = db.session.scalars(query.order_by(Notification.id.desc()).limit(OUTBOX_PAGE_SIZE)).all()
    case_ids = {n.case_id for n in notifications if n.case_id}
    complaints = {c.case_id: c for c in db.session.scalars(db.select(Complaint).where(Complaint.case_id.in_(case_ids)))}
    numbers: dict[int, str | None] = dict(
        db.session.execute(db.select(Case.id, Case.tracking_number).where(Case.id.in_(case_ids))).tuples().all())
    entries = []
    for n in notifications:
        complaint = complaints.get(n.case_id)
        visible = complaint is None or identity_visible(complaint=complaint, viewer=viewer)
        entries.append(OutboxEntry(n, numbers.get(n.case_id, "") or "", n.recipient if visible else mask_address(n.recipient)))
    return entries


def outbox_counts() -> dict[str, int]:
    return dict(db.session.execute(
        db.select(Notification.status, db.func.count()).group_by(Notification.status)).tuples().all())


def mask_address(address: str) -> str:
    """"b***@e***" : enough to tell messages apart, not enough to identify anyone."""
    local, _, domain = address.partition("@")
    return f"{local[:1]}***@{domain[:1]}***" if domain else "***"


def retry_notification(*, notification_id: int, actor: str) -> Notification:
    """The administrator sends a failed message again (e.g. after fixing the mail server)."""
    notification = db.session.get(Notification, notification_id)
    if notification is None or notification.status != "failed":
        raise NotificationError(_l("Hanya pesan yang gagal dapat dikirim ulang."))
    notification.status = "queued"
    notification.attempts = 0
    notification.next_attempt_at = datetime.now(timezone.utc)
    record_event(case=_case(notification), action="notification.requeued", actor=actor,
                 data_after={"notification_id": notification.id, "kind": notification.kind})
    db.session.commit()
    return notification

