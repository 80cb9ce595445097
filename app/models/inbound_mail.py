"""Mail received for an organisation (issue 16): each message is kept exactly as it
arrived, before it is parsed, so nothing is lost when parsing fails or the officer
refuses it. What happened to it next is its status."""
from datetime import datetime

from sqlalchemy import ForeignKey, Integer, LargeBinary, String, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column

from app.extensions import Model
from app.models.types import UTCDateTime, utcnow

# draft: waiting for an officer to make it a complaint; refused: kept with its reason
# (spam, deny list, unreadable); threaded: a reply attached to its case; held: a reply from
# an address that is not the complainant's, waiting for an officer; filed: became a case.
INBOUND_STATUSES = ("draft", "refused", "threaded", "held", "filed")


class InboundMail(Model):
    __tablename__ = "inbound_mails"
    # The same message delivered twice (an IMAP fetch interrupted before \Seen was set,
    # an MTA retry) is stored once.
    __table_args__ = (UniqueConstraint("organisation_code", "message_id"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    organisation_code: Mapped[str] = mapped_column(ForeignKey("organisations.code"), index=True)
    # The Message-ID header, or "<sha256@dumas.invalid>" for a message without one.
    message_id: Mapped[str] = mapped_column(String(500))
    sha256: Mapped[str] = mapped_column(String(64))
    size: Mapped[int] = mapped_column(Integer)
    raw: Mapped[bytes] = mapped_column(LargeBinary, deferred=True)
    source: Mapped[str] = mapped_column(String(10))  # "imap" or "pipe"
    sender: Mapped[str] = mapped_column(String(255), default="")
    subject: Mapped[str] = mapped_column(String(500), default="")
    status: Mapped[str] = mapped_column(String(20), default="draft", index=True)
    # Indonesian; shown to the lane as it is.
    refusal_reason: Mapped[str | None] = mapped_column(Text)
    case_id: Mapped[int | None] = mapped_column(ForeignKey("cases.id"), index=True)
    received_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    handled_by: Mapped[str | None] = mapped_column(String(100))
    handled_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
