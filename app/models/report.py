"""Half-yearly reports (laporan semesteran, SOP 000/001 step 9, SOP 004 step 8), stored as
generated so that the head who receives one can download the same file later."""
from datetime import datetime

from sqlalchemy import JSON, ForeignKey, Index, LargeBinary, String, Text
from sqlalchemy.orm import Mapped, mapped_column

from app.extensions import Model
from app.models.types import UTCDateTime, utcnow


class PeriodicReport(Model):
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


class ReportJob(Model):
    """A report asked for on /laporan and made in the background (a Celery task, or a
    thread in the embedded default): the row the page reads for its progress, and that
    points to the stored report once made."""

    __tablename__ = "report_jobs"
    __table_args__ = (Index("ix_report_jobs_org_status", "organisation_code", "status"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    organisation_code: Mapped[str] = mapped_column(ForeignKey("organisations.code"))
    year: Mapped[int] = mapped_column()
    semester: Mapped[int] = mapped_column()
    requested_by: Mapped[str] = mapped_column(String(100))
    requested_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    # queued, running, done or failed (report_jobs.STATUS_LABELS); progress 0-100 and the
    # stage being computed, written between the stages.
    status: Mapped[str] = mapped_column(String(20), default="queued")
    progress: Mapped[int] = mapped_column(default=0)
    stage: Mapped[str] = mapped_column(String(40), default="")
    report_id: Mapped[int | None] = mapped_column(ForeignKey("periodic_reports.id"))
    error: Mapped[str | None] = mapped_column(Text)
    finished_at: Mapped[datetime | None] = mapped_column(UTCDateTime)

    @property
    def period_label(self) -> str:
        return f"Semester {'I' if self.semester == 1 else 'II'} {self.year}"
