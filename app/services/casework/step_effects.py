"""What happens around the workflow when it reaches certain elements: output documents
kept as records, cases forwarded to other agencies, reports put on other cases.

Called by the use cases after the engine has moved, inside their transaction."""
from typing import Protocol

from app.engine import HumanTask, Step
from app.extensions import db
from app.models import Case, CaseRecord, Complaint, Document, Organisation
from app.services.audit_trail.audit import SYSTEM_ACTOR, record_event
from app.services.casework.transaction_complaints import complaint_in_transaction
from app.services.definitions.forms import display_value
from app.services.definitions.processes import latest_version
from app.services.definitions.references import FORWARDED
from app.services.organisation.identity import CONFIDENTIALITY_LEVELS, raise_confidentiality


def record_output(*, case: Case, task: HumanTask, form: dict | None, data: dict, actor: str) -> CaseRecord | None:
    """Keep a completed form as the step's output document, if the form names one."""
    if not form or not form.get("output"):
        return None
    record = CaseRecord(
        case_id=case.id,
        title=_indonesian(form["output"]),
        element_id=task.element_id,
        form_key=form["key"],
        content=[
            {"label": _indonesian(field.get("label")), "value": display_value(field, data[field["name"]])}
            for field in form["fields"]
            if field["name"] in data
        ],
        author=actor,
    )
    db.session.add(record)
    if form.get("public_kind") == "request":
        # A question for the complainant (SOP 002's request for missing data): the
        # tracking page shows it and notifications are sent on this action's name.
        missing = "\n".join(str(data[name]) for name in form.get("public_fields", []) if data.get(name))
        record_event(case=case, action="complainant.info_requested", actor=actor, element_id=task.element_id,
                     data_after={"missing": missing})
    variable = task.properties.get("report_to_cases")
    if variable:
        # The list is usually chosen at an earlier step (SOP 004's plan): workflow data.
        case_ids = data.get(variable) or task.data.get(variable) or []
        _report_to_cases(source=case, record=record, case_ids=case_ids, actor=actor)
    return record


def apply_confidentiality(*, case: Case, task: HumanTask, form: dict | None, data: dict, actor: str) -> None:
    """SOP 002 step e ("memastikan perlu atau tidaknya penggunaan fitur anonim dan rahasia")
    and the liaison's point 2: a boolean field marked `sets_confidentiality` answered Yes
    makes the complaint that confidential (or anonymous). Never less protected."""
    levels = [field["sets_confidentiality"] for field in (form or {}).get("fields", [])
              if field.get("sets_confidentiality") and data.get(field["name"]) is True]
    if not levels:
        return
    complaint = complaint_in_transaction(db.session(), case.id)
    if complaint is not None:
        level = max(levels, key=CONFIDENTIALITY_LEVELS.index)
        raise_confidentiality(complaint=complaint, level=level, actor=actor, element_id=task.element_id)


def _report_to_cases(*, source: Case, record: CaseRecord, case_ids: list[int], actor: str) -> None:
    for case_id in case_ids:
        target = db.session.get(Case, case_id)
        if target is None:
            continue
        db.session.add(CaseRecord(case_id=target.id, title=record.title, element_id=record.element_id,
                                  form_key=record.form_key, content=record.content, author=actor,
                                  origin_case_id=source.id))
        record_event(case=target, action="case.monitored", actor=actor,
                     detail=f"{record.title} ({source.tracking_number})",
                     data_after={"source_case_id": source.id, "source_tracking_number": source.tracking_number})


class OpenLinkedCase(Protocol):
    """Starts the receiving agency's case: workflow_state.open_case, which saves that
    case's first steps through this module again (a forwarded case may forward on)."""

    def __call__(self, *, process_key: str, data: dict, title: str, actor: str, source_case: Case | None = None) -> Case:
        ...


def apply_forwards(*, case: Case, steps: list[Step], open_linked_case: OpenLinkedCase) -> None:
    for step in steps:
        if step.properties.get("forward"):
            forward_case(case=case, step=step, open_linked_case=open_linked_case)


def forward_case(*, case: Case, step: Step, open_linked_case: OpenLinkedCase) -> None:
    """Hand the case over (an end event) or send a copy (a throw event) to another agency:
    a linked case in its SOP when it runs here, otherwise an outgoing letter on record."""
    kind = "penerusan" if step.kind == "end" else "tembusan"
    target = db.session.get(Organisation, step.forward_to) if step.forward_to else None
    target_name = target.name if target else (step.forward_to or "instansi tidak disebut")
    linked = None
    # A receiver that runs its SOP here gets a linked case, unless that SOP is not
    # deployed (yet): then the letter below is all that can be done.
    if (target is not None and target.hosted and target.code != case.organisation_code
            and latest_version(process_key=target.process_key) is not None):  # type: ignore[arg-type]  # hosted: has one
        linked = open_linked_case(
            process_key=target.process_key,  # type: ignore[arg-type]  # as above
            data=_carried_data(case),
            title=case.title,
            actor=SYSTEM_ACTOR,
            source_case=case,
        )
        _copy_complaint(source=case, target=linked)
    letter: list[dict[str, str | None]] = [
        {"label": "Kepada", "value": target_name},
        {"label": "Perihal", "value": f"{'Penerusan' if kind == 'penerusan' else 'Tembusan'} pengaduan {case.tracking_number}: {case.title}"},
        {"label": "Dasar", "value": step.title},
    ]
    if linked is not None:
        letter.append({"label": "Nomor kasus di instansi tujuan", "value": linked.tracking_number})
    db.session.add(CaseRecord(case_id=case.id, element_id=step.element_id, author=SYSTEM_ACTOR, content=letter,
                              title=f"Surat {kind} kepada {target_name}"))
    record_event(
        case=case, action=FORWARDED, actor=SYSTEM_ACTOR, element_id=step.element_id, lane=step.lane,
        detail=f"{kind} kepada {target_name}" + (f" ({linked.tracking_number})" if linked else " (surat keluar)"),
        data_after={"organisation": step.forward_to, "organisation_name": target_name, "kind": kind,
                    "linked_case_id": linked.id if linked else None},
    )


def _carried_data(case: Case) -> dict:
    complaint = db.session.scalars(db.select(Complaint).where(Complaint.case_id == case.id)).first()
    data = {"asal_kasus": case.tracking_number}
    if complaint is not None:
        data["jenis"] = complaint.jenis
    return data


def _copy_complaint(*, source: Case, target: Case) -> None:
    """The receiving agency gets the complaint and its files; the complainant keeps the
    same access code, so both tracking numbers open with it."""
    complaint = db.session.scalars(db.select(Complaint).where(Complaint.case_id == source.id)).first()
    if complaint is not None:
        columns = {c.key: getattr(complaint, c.key) for c in Complaint.__table__.columns if c.key not in ("id", "case_id", "created_at")}
        db.session.add(Complaint(case_id=target.id, **columns))
    for document in db.session.scalars(db.select(Document).where(Document.case_id == source.id)):
        db.session.add(Document(case_id=target.id, kind=document.kind, filename=document.filename,
                                content_type=document.content_type, size=document.size, sha256=document.sha256,
                                content=document.content, uploaded_by=document.uploaded_by))


def _indonesian(text) -> str:
    return (text.get("id") or "") if isinstance(text, dict) else str(text or "")
