"""What the JSON API shows of tasks, cases, documents and the audit trail, as plain
dicts of JSON types, and a task's form as a JSON Schema.

Read-only helpers for app/api: they query and serialise, never commit, never touch the
request. The language is passed in, as everywhere below the blueprints.
"""
from datetime import datetime

from sqlalchemy import inspect
from sqlalchemy.orm import defer

from app.extensions import db
from app.models import AuditEvent, Case, Complaint, TaskIndexEntry, User
from app.services.casefile.case_files import complaint_for_case, complaints_by_case, documents_for_case
from app.services.casefile.presentation_events import describe_events
from app.services.definitions.field_types import FIELD_TYPES as FIELD_CLASSES
from app.services.definitions.forms import reference_types
from app.services.definitions.processes import version_forms
from app.services.definitions.references import reference_choices
from app.services.organisation.identity import identity_visible, redact_identity, reporter_identity

JSON_SCHEMA_DIALECT = "https://json-schema.org/draft/2020-12/schema"
# The limits a text field has when it names no max_length: its class's, which validation
# applies too (tests/integration/test_api_forms.py checks both agree).
DEFAULT_MAX_LENGTH = {name: FIELD_CLASSES[name].default_limit for name in ("text", "textarea")}


def _iso(moment: datetime | None) -> str | None:
    return moment.isoformat() if moment is not None else None


def _text(value, lang: str) -> str:
    """A bilingual {"id": ..., "en": ...} label in the asked language, else Indonesian."""
    if isinstance(value, dict):
        return value.get(lang) or value.get("id") or ""
    return value or ""


# --- tasks -------------------------------------------------------------------------


_UNREAD = object()


def task_item(entry: TaskIndexEntry, *, viewer: User | None, complaint: "Complaint | None | object" = _UNREAD) -> dict:
    """The task as `viewer` may see it: a complainant's identity typed into the case title
    is blanked where the viewer may not see who filed it. `complaint`: the case's, already
    read (None: a case started by staff, which has none); else it is read here."""
    case = entry.case
    if not isinstance(complaint, Complaint | None):  # _UNREAD
        complaint = complaint_for_case(case_id=case.id)
    return {
        "id": entry.engine_task_id,
        "case_id": entry.case_id,
        "tracking_number": case.tracking_number,
        "case_title": redact_identity(case.title, complaint=complaint, viewer=viewer),
        "process_key": entry.process_key or case.process_version.definition.key,
        "title": entry.title,
        "element_id": entry.element_id,
        "lane": entry.lane,
        "org_unit": entry.org_unit,
        "org_unit_name": entry.unit_label,
        "form_key": entry.form_key,
        "created_at": _iso(entry.created_at),
        "due_at": _iso(entry.due_at),
        "claimed_by": entry.claimed_by,
    }


def task_items(entries: list[TaskIndexEntry], *, viewer: User | None,
               complaints: dict[int, Complaint] | None = None) -> list[dict]:
    """Serialise a page of tasks, loading their cases (where the page has not already)
    and complaints (unless the page has them: `complaints`) in one query each."""
    case_ids = {entry.case_id for entry in entries}
    missing = {entry.case_id for entry in entries if "case" in inspect(entry).unloaded}
    if missing:
        db.session.scalars(db.select(Case).where(Case.id.in_(missing)).options(defer(Case.workflow_state))).all()
    if complaints is None:
        complaints = complaints_by_case(case_ids)
    return [task_item(entry, viewer=viewer, complaint=complaints.get(entry.case_id)) for entry in entries]


def task_detail(entry: TaskIndexEntry, *, lang: str, viewer: User | None) -> dict:
    """The task with its form (title, description and JSON Schema), or form None."""
    form = version_forms(entry.case.process_version).get(entry.form_key) if entry.form_key else None
    return {
        **task_item(entry, viewer=viewer),
        "case_status": entry.case.status,
        "form": None if form is None else {
            "key": form["key"],
            "title": _text(form.get("title"), lang),
            "description": _text(form.get("description"), lang),
            "schema": form_json_schema(form, lang=lang, choices=reference_choices(
                reference_types(form), organisation_code=entry.case.organisation_code)),
        },
    }


def task_claimant(*, task_id: str) -> str | None:
    """Who has claimed a ready task now (None if nobody, or the task is gone)."""
    return db.session.scalar(
        db.select(TaskIndexEntry.claimed_by).where(TaskIndexEntry.engine_task_id == task_id)
    )


# --- cases ---------------------------------------------------------------------------


def case_detail(case: Case, *, viewer: User | None) -> dict:
    """The case as `viewer` may see it: the complainant's identity only through
    app.services.organisation.identity."""
    version = case.process_version
    tasks = sorted(case.tasks, key=lambda t: (t.created_at, t.id))
    complaint = complaint_for_case(case_id=case.id)
    return {
        "id": case.id,
        "tracking_number": case.tracking_number,
        "title": redact_identity(case.title, complaint=complaint, viewer=viewer),
        "status": case.status,
        "completed": case.completed,
        "created_at": _iso(case.created_at),
        "closed_at": _iso(case.closed_at),
        "process": {"key": version.definition.key, "name": version.definition.name, "version": version.number},
        "last_error": case.last_error,
        "last_error_at": _iso(case.last_error_at),
        "tasks": [
            {
                "id": t.engine_task_id,
                "title": t.title,
                "element_id": t.element_id,
                "lane": t.lane,
                "org_unit": t.org_unit,
                "org_unit_name": t.unit_label,
                "form_key": t.form_key,
                "created_at": _iso(t.created_at),
                "due_at": _iso(t.due_at),
                "claimed_by": t.claimed_by,
            }
            for t in tasks
        ],
        "documents": case_documents(case_id=case.id),
        "complaint": case_complaint(case, viewer=viewer, complaint=complaint),
    }


_NOT_READ = object()


def case_complaint(case: Case, *, viewer: User | None, complaint: Complaint | None | object = _NOT_READ) -> dict | None:
    """`complaint`: the case's complaint when the caller has read it (None: the case has
    none, so it is not read again); left out, it is read here."""
    if complaint is _NOT_READ:
        complaint = complaint_for_case(case_id=case.id)
    if not isinstance(complaint, Complaint):
        return None
    return {
        # What the complainant wrote may name them: blanked where the viewer may not see who filed it.
        **redact_identity({name: getattr(complaint, name) or "" for name in ("jenis", "judul", "uraian", "lokasi_kejadian",
                                                                             "terlapor")},
                          complaint=complaint, viewer=viewer),
        "tanggal_kejadian": complaint.tanggal_kejadian.isoformat() if complaint.tanggal_kejadian else None,
        "channel": complaint.channel,
        "kerahasiaan": complaint.confidentiality,
        "identity_visible": identity_visible(complaint=complaint, viewer=viewer),
        "reporter": reporter_identity(complaint=complaint, viewer=viewer),
    }


def case_documents(*, case_id: int) -> list[dict]:
    """The case's files without their content (a deferred column, so never loaded)."""
    return [
        {
            "id": d.id,
            "kind": d.kind,
            "filename": d.filename,
            "content_type": d.content_type,
            "size": d.size,
            "sha256": d.sha256,
            "created_at": _iso(d.created_at),
        }
        for d in documents_for_case(case_id=case_id)
    ]


def event_items(events: list[AuditEvent], *, case: Case, viewer: User | None, lang: str = "id") -> list[dict]:
    """The audit trail as `viewer` may read it: any identity value a staff note or form
    carried is blanked where the viewer may not see who filed the complaint. Each event
    also reads as words (`text`) with its local time (`at_local`, WIB/WITA/WIT)."""
    complaint = complaint_for_case(case_id=case.id)
    described = describe_events(events, lang=lang)
    return [redact_identity(event_item(event) | {"at_local": described[event.id]["at"],
                                                 "text": described[event.id]["text"]},
                            complaint=complaint, viewer=viewer) for event in events]


def event_item(event: AuditEvent) -> dict:
    return {
        "id": event.id,
        "at": _iso(event.occurred_at),
        "actor": event.actor,
        "action": event.action,
        "element_id": event.element_id,
        "lane": event.lane,
        "detail": event.detail,
        "data_before": event.data_before,
        "data_after": event.data_after,
        "seq": event.seq,
        "hash": event.hash,
        "prev_hash": event.prev_hash,
    }


# --- forms as JSON Schema -----------------------------------------------------------------


def field_json_schema(field: dict, *, lang: str, choices: dict[str, list[tuple[str, str]]]) -> dict:
    """One form field as a JSON Schema property, as its field type describes itself
    (app/services/definitions/field_types.py); `x-field-type` keeps the form's own type so a client
    can pick the right widget (a textarea, a unit picker)."""
    schema: dict = {"title": _text(field.get("label"), lang), "x-field-type": field["type"]}
    if field.get("help"):
        schema["description"] = _text(field["help"], lang)
    schema.update(FIELD_CLASSES[field["type"]].json_schema(field, lang=lang, choices=choices))
    if field.get("required_when"):
        # Required only when every named field has the given value (forms._is_required);
        # JSON Schema could say this with if/then, but a flat hint is what clients use.
        schema["x-required-when"] = dict(field["required_when"])
    return schema


def form_json_schema(form: dict, *, lang: str, choices: dict[str, list[tuple[str, str]]]) -> dict:
    """A form definition (forms/<key>.json) as a JSON Schema (2020-12) object."""
    return {
        "$schema": JSON_SCHEMA_DIALECT,
        "title": _text(form.get("title"), lang),
        "type": "object",
        "properties": {f["name"]: field_json_schema(f, lang=lang, choices=choices) for f in form["fields"]},
        "required": [f["name"] for f in form["fields"] if f.get("required")],
        "additionalProperties": False,
    }
