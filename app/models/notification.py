"""The notification outbox and the public endpoints' rate-limit counters.

An outbox row is written in the same transaction as the audit event that causes it, so
a message exists exactly when its event does; a sender (a thread in the embedded
default, a Celery task with Redis) delivers it later and may retry. Nothing is lost if
Redis, a worker or the mail server is down: the row waits in the database.
"""
from datetime import datetime

from sqlalchemy import ForeignKey, Index, Integer, String, Text
from sqlalchemy.orm import Mapped, mapped_column

from app.extensions import Model
from app.models.types import UTCDateTime, utcnow

# queued: waiting to be sent (or no mail server configured); sending: claimed by a
# sender; sent; failed: given up after the last retry; skipped: a digest with nothing in it.
NOTIFICATION_STATUSES = ("queued", "sending", "sent", "failed", "skipped")


class Notification(Model):
    __tablename__ = "notifications"
    __table_args__ = (Index("ix_notifications_status_next_attempt", "status", "next_attempt_at"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    case_id: Mapped[int | None] = mapped_column(ForeignKey("cases.id"), index=True)
    # A staff member's digest; None for a message to a complainant.
    user_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))
    # The template (app/templates/email/<kind>.jinja) and the audit action it came from.
    kind: Mapped[str] = mapped_column(String(40))
    source_action: Mapped[str | None] = mapped_column(String(50))
    # Makes a message that must go once per period (a day's digest) unique.
    dedupe_key: Mapped[str | None] = mapped_column(String(100), unique=True)
    recipient: Mapped[str] = mapped_column(String(255))
    language: Mapped[str] = mapped_column(String(5), default="id")
    subject: Mapped[str] = mapped_column(String(255))
    body: Mapped[str] = mapped_column(Text)
    # The same message as HTML, sent beside the text (None for rows queued before it existed).
    body_html: Mapped[str | None] = mapped_column(Text)
    status: Mapped[str] = mapped_column(String(20), default="queued")
    attempts: Mapped[int] = mapped_column(Integer, default=0)
    next_attempt_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    claimed_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    # The last failure, without the address (an SMTP error may quote it).
    last_error: Mapped[str | None] = mapped_column(Text)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    sent_at: Mapped[datetime | None] = mapped_column(UTCDateTime)


class RateLimitCounter(Model):
    """Requests per client address and scope in one fixed window (the database store;
    with REDIS_URL the counters live in Redis instead)."""

    __tablename__ = "rate_limit_counters"

    key: Mapped[str] = mapped_column(String(200), primary_key=True)
    window_start: Mapped[int] = mapped_column(Integer, primary_key=True)  # Unix seconds
    hits: Mapped[int] = mapped_column(Integer, default=0)
    expires_at: Mapped[int] = mapped_column(Integer, index=True)  # Unix seconds
