"""Reading what is filed with a case: the complaint and its documents."""
from sqlalchemy.orm import undefer

from app.extensions import db
from app.models import CaseRecord, Complaint, Document


def complaint_for_case(*, case_id: int) -> Complaint | None:
    return db.session.scalars(db.select(Complaint).where(Complaint.case_id == case_id)).first()


def complaints_by_case(case_ids) -> dict[int, Complaint]:
    """The complaints of several cases in one query (lists of tasks and cases)."""
    if not case_ids:
        return {}
    return {c.case_id: c for c in db.session.scalars(db.select(Complaint).where(Complaint.case_id.in_(case_ids)))}


def documents_for_case(*, case_id: int) -> list[Document]:
    return list(db.session.scalars(db.select(Document).where(Document.case_id == case_id).order_by(Document.id)))


def document_with_content(*, case_id: int, document_id: int) -> Document | None:
    return db.session.scalars(
        db.select(Document)
        .where(Document.id == document_id, Document.case_id == case_id)
        .options(undefer(Document.content))
    ).first()


def records_for_case(*, case_id: int) -> list[CaseRecord]:
    """The output documents of the steps taken so far, oldest first."""
    return list(db.session.scalars(db.select(CaseRecord).where(CaseRecord.case_id == case_id).order_by(CaseRecord.id)))
