"""What a complainant filed, and the documents attached to a case."""
from datetime import date, datetime

from sqlalchemy import JSON, ForeignKey, Integer, LargeBinary, String, Text
from sqlalchemy.orm import Mapped, mapped_column, relationship

from app.extensions import Model
from app.models.case import Case
from app.models.types import UTCDateTime, utcnow


class Complaint(Model):
    """The complaint and the complainant's identity (SOP 000 step 1), one per case.

    `confidentiality`: "biasa" (normal), "rahasia" (identity visible to the admin role
    only, report kept out of anything public) or "anonim" (identity hidden from all)."""

    __tablename__ = "complaints"

    id: Mapped[int] = mapped_column(primary_key=True)
    case_id: Mapped[int] = mapped_column(ForeignKey("cases.id"), unique=True)
    jenis: Mapped[str] = mapped_column(String(30))  # pengaduan / aspirasi / permintaan_informasi
    judul: Mapped[str] = mapped_column(String(200))
    uraian: Mapped[str] = mapped_column(Text)
    lokasi_kejadian: Mapped[str] = mapped_column(String(255), default="")
    tanggal_kejadian: Mapped[date | None] = mapped_column()
    terlapor: Mapped[str] = mapped_column(String(255), default="")
    nama_lengkap: Mapped[str] = mapped_column(String(200), default="")
    nik: Mapped[str] = mapped_column(String(16), default="")
    email: Mapped[str] = mapped_column(String(255), default="")
    no_hp: Mapped[str] = mapped_column(String(20), default="")
    pekerjaan: Mapped[str] = mapped_column(String(100), default="")
    alamat: Mapped[str] = mapped_column(Text, default="")
    confidentiality: Mapped[str] = mapped_column(String(10), default="biasa")
    channel: Mapped[str] = mapped_column(String(20), default="web")
    language: Mapped[str] = mapped_column(String(5), default="id")
    # Hash of the secret access code shown once to the complainant.
    access_code_hash: Mapped[str] = mapped_column(String(255))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)

    case: Mapped[Case] = relationship()


class Document(Model):
    """A file on a case: evidence from the complainant or a report from staff. The
    content is stored in the database so a case and its files commit together."""

    __tablename__ = "documents"

    id: Mapped[int] = mapped_column(primary_key=True)
    case_id: Mapped[int] = mapped_column(ForeignKey("cases.id"), index=True)
    kind: Mapped[str] = mapped_column(String(30), default="bukti")
    filename: Mapped[str] = mapped_column(String(255))
    content_type: Mapped[str] = mapped_column(String(100))
    size: Mapped[int] = mapped_column(Integer)
    sha256: Mapped[str] = mapped_column(String(64))
    content: Mapped[bytes] = mapped_column(LargeBinary, deferred=True)
    uploaded_by: Mapped[str] = mapped_column(String(100))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)


class CaseUnit(Model):
    """Every organisation unit a case has been routed to, so a unit sees its cases."""

    __tablename__ = "case_units"

    case_id: Mapped[int] = mapped_column(ForeignKey("cases.id"), primary_key=True)
    unit_code: Mapped[str] = mapped_column(String(100), primary_key=True, index=True)


class CaseRecord(Model):
    """An output document of a step (verification report, review memo, follow-up report,
    outgoing letter, monitoring report ...): what was submitted, kept for later steps."""

    __tablename__ = "case_records"

    id: Mapped[int] = mapped_column(primary_key=True)
    case_id: Mapped[int] = mapped_column(ForeignKey("cases.id"), index=True)
    title: Mapped[str] = mapped_column(String(255))
    element_id: Mapped[str | None] = mapped_column(String(100))
    form_key: Mapped[str | None] = mapped_column(String(100))
    # [{"label": ..., "value": ...}] in form order, labels in Indonesian.
    content: Mapped[list] = mapped_column(JSON)
    author: Mapped[str] = mapped_column(String(100))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    # Set when the record belongs to another case (e.g. SOP 004's report on a monitored case).
    origin_case_id: Mapped[int | None] = mapped_column(ForeignKey("cases.id"))
