"""Half-yearly reports (laporan semesteran, SOP 000/001 step 9, SOP 004 step 8), stored as
generated so that the head who receives one can download the same file later."""
from datetime import datetime

from sqlalchemy import JSON, ForeignKey, Index, LargeBinary, String
from sqlalchemy.orm import Mapped, mapped_column

from app.extensions import db
from app.models.types import UTCDateTime, utcnow


class PeriodicReport(db.Model):
    __tablename__ = "periodic_reports"
    __table_args__ = (Index("ix_periodic_reports_org_period", "organisation_code", "year", "semester"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    organisation_code: Mapped[str] = mapped_column(ForeignKey("organisations.code"))
    year: Mapped[int] = mapped_column()
    semester: Mapped[int] = mapped_column()  # 1 = January-June, 2 = July-December
    generated_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    generated_by: Mapped[str] = mapped_column(String(100))
    # Set only on the scheduled run ("<org>:<year>:<semester>"): unique, so the beat task
    # and the embedded thread, or two workers, cannot both generate the same semester.
    schedule_key: Mapped[str | None] = mapped_column(String(80), unique=True)
    # The figures as computed (the headline numbers), for pages that list reports.
    summary: Mapped[dict] = mapped_column(JSON)
    pdf: Mapped[bytes] = mapped_column(LargeBinary, deferred=True)
    csv: Mapped[bytes] = mapped_column(LargeBinary, deferred=True)
    xlsx: Mapped[bytes] = mapped_column(LargeBinary, deferred=True)
