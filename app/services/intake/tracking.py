"""What a complainant may see of their own case: its status in plain words, a timeline,
where it is and by when, and the reports addressed to them.

Read from the audit trail, keeping only what describes the case as a whole (received,
status changed, the unit it reached, closed) and what the complainant did (documents,
answers, rating, objection); and from the records of the steps that report to the
complainant, keeping only their forms' `public_fields`. Whatever staff did shows only as
the status it led to: no names or usernames, no other task form data, no decision
inputs, no lanes, nothing about other parties. The web tracking page and the API both
build on these functions, so they cannot disagree.
"""
from datetime import datetime, timezone
from typing import Any

from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l

from app.extensions import db
from app.i18n import in_callers_language
from app.models import AuditEvent, Case, CaseRecord, Organisation, OrgUnit
from app.services.casework.workflow_state import load_instance
from app.services.definitions.processes import version_forms
from app.services.definitions.statuses import status_description, status_label
from app.services.intake.complaints import COMPLAINANT_ACTOR
from app.services.organisation.calendar import calendar_for

# What the complainant did, as their timeline says it (in the complainant's language).
_COMPLAINANT_LABELS = {
    "info_requested": _l("Petugas meminta kelengkapan data"),
    "answered": _l("Kelengkapan data Anda diterima"),
    "objected": _l("Keberatan Anda diterima"),
}
# Audit actions that describe the case as a whole or what the complainant did. The
# complainant.* names are shared with the notifications (e-mail on each of them).
INFO_REQUESTED = "complainant.info_requested"
ANSWERED = "complainant.answered"
RATED = "complainant.rated"
OBJECTED = "complainant.objected"
_COMPLAINANT_ACTIONS = {INFO_REQUESTED: "info_requested", ANSWERED: "answered", RATED: "rated", OBJECTED: "objected"}
_PUBLIC_ACTIONS = ("case.started", "case.status_changed", "case.closed", "document.added", "task.created",
                   *_COMPLAINANT_ACTIONS)
# The messages the complainant's answers are delivered as (catch events in the diagrams).
MISSING_DATA_MESSAGE = "kelengkapan_diterima"
OBJECTION_MESSAGE = "keberatan_diajukan"
# How long the complainant has to object once the outcome reached them: the timer
# ev_batas_keberatan in the diagrams (tambah_hari_kerja(10)); shown in the page's text.
OBJECTION_WORKING_DAYS = 10


def public_status(*, case: Case, lang: str) -> dict:
    return {
        "tracking_number": case.tracking_number,
        "status": case.status,
        "status_label": status_label(case.status, lang=lang),
        "closed": case.completed,
    }


@in_callers_language
def public_timeline(*, case: Case, lang: str) -> list[dict]:
    """The case's public history, oldest first: dicts of `at` (ISO 8601, UTC), `event`
    ("received", "attachments_received", "status:<status code>", "unit", "info_requested",
    "answered", "report:<form key>", "rated", "objected" or "closed") and `label`.
    Attachments added together make one entry, so a complaint filed with three files
    reads as one step, not three. A unit is named the first time the case reaches it."""
    events = db.session.scalars(
        db.select(AuditEvent)
        .where(AuditEvent.case_id == case.id, AuditEvent.action.in_(_PUBLIC_ACTIONS))
        .order_by(AuditEvent.id)
    )
    unit_names: dict[str, str] = dict(db.session.execute(db.select(OrgUnit.code, OrgUnit.name)).tuples().all())
    timeline: list[dict] = []
    attachments = 0
    units_seen: set[str] = set()
    for event in events:
        if event.action == "document.added":
            if event.actor != COMPLAINANT_ACTOR:
                continue  # staff documents are internal working papers
            if attachments:
                timeline.pop()  # the entry for the files just before this one
            attachments += 1
            timeline.append(_entry(event, "attachments_received",
                                   _("Lampiran diterima: %(n)s berkas", n=attachments)))
            continue
        attachments = 0
        if event.action == "case.started":
            timeline.append(_entry(event, "received", _("Pengaduan diterima")))
        elif event.action == "case.status_changed":
            status = (event.data_after or {}).get("status", "")
            timeline.append(_entry(event, f"status:{status}", status_label(status, lang=lang)))
        elif event.action == "case.closed":
            timeline.append(_entry(event, "closed", _("Penanganan ditutup")))
        elif event.action == "task.created":
            unit = (event.data_after or {}).get("org_unit")
            if unit and unit not in units_seen and unit in unit_names:
                units_seen.add(unit)
                timeline.append(_entry(event, "unit", _("Ditangani oleh %(unit)s", unit=unit_names[unit])))
        else:
            code = _COMPLAINANT_ACTIONS[event.action]
            label = (_("Anda memberi penilaian %(rating)s dari 5", rating=(event.data_after or {}).get("rating", ""))
                     if code == "rated" else str(_COMPLAINANT_LABELS[code]))
            timeline.append(_entry(event, code, label))
    for report in public_reports(case=case, lang=lang):
        timeline.append({"at": report["at"], "event": f"report:{report['form_key']}", "label": report["title"]})
    # Reports come from another table: merge by time (stable, so same-instant entries
    # keep the audit's order).
    timeline.sort(key=lambda entry: entry["at"])
    return timeline


def _entry(event: AuditEvent, code: str, label: str) -> dict:
    return {"at": event.occurred_at.isoformat(), "event": code, "label": label}


def public_reports(*, case: Case, lang: str) -> list[dict]:
    """The outputs of the steps that report to the complainant (forms with
    `public_fields`, other than requests), oldest first, with those fields only: a
    form's other fields (internal notes, staff names) never leave the staff pages."""
    forms = version_forms(case.process_version)
    reports = []
    for record in db.session.scalars(
        db.select(CaseRecord).where(CaseRecord.case_id == case.id, CaseRecord.origin_case_id.is_(None))
        .order_by(CaseRecord.id)
    ):
        form = forms.get(record.form_key or "")
        if not form or not form.get("public_fields") or form.get("public_kind") == "request":
            continue
        reports.append({
            "form_key": form["key"],
            "title": _text(form.get("output"), lang),
            "at": record.created_at.isoformat(),
            "content": _public_content(form, record.content, lang=lang),
        })
    return reports


def _public_content(form: dict, content: list[dict], *, lang: str) -> list[dict]:
    # Records keep Indonesian labels in form order; the public fields are found by them.
    labels = {_text(field.get("label"), "id"): _text(field.get("label"), lang)
              for field in form["fields"] if field["name"] in form["public_fields"]}
    return [{"label": labels[item["label"]], "value": item["value"]} for item in content if item["label"] in labels]


def _text(text, lang: str) -> str:
    if isinstance(text, dict):
        return text.get(lang) or text.get("id") or ""
    return str(text or "")


def tracking_view(*, case: Case, lang: str, now: datetime | None = None) -> dict:
    """Everything the tracking page and the public API show, in one dict: the status,
    the timeline, where the case is and by when, the reports to the complainant, and
    what the complainant may do now (answer a request, rate, object)."""
    now = now or datetime.now(timezone.utc)
    waiting = load_instance(case).waiting_messages() if not case.completed else set()
    answer_until = case.timer.due_at.isoformat() if case.timer is not None and waiting else None
    reports = public_reports(case=case, lang=lang)
    last = _last_events(case, RATED, INFO_REQUESTED, OBJECTED)
    rating, info_request = last.get(RATED), last.get(INFO_REQUESTED)
    return {
        **public_status(case=case, lang=lang),
        "status_description": status_description(case.status, lang=lang),
        "timeline": public_timeline(case=case, lang=lang),
        "current_step": _current_step(case, now=now),
        "reports": reports,
        "missing_data_request": (
            {"missing": (info_request.data_after or {}).get("missing", ""), "answer_until": answer_until}
            if MISSING_DATA_MESSAGE in waiting and info_request is not None else None
        ),
        "rating": _rating(rating),
        "can_rate": bool(reports) and rating is None,
        "objection": {"open": OBJECTION_MESSAGE in waiting, "until": answer_until if OBJECTION_MESSAGE in waiting else None,
                      "submitted": OBJECTED in last},
    }


def _rating(rated: AuditEvent | None) -> dict | None:
    if rated is None:
        return None
    given = rated.data_after or {}
    return {"rating": given["rating"], "comment": given.get("comment", "")}


def _current_step(case: Case, *, now: datetime) -> dict | None:
    """Where the case is: the unit (never a person) and the nearest deadline of the
    tasks now open, in working days of the organisation's calendar."""
    if not case.tasks:
        return None
    due = [(t.due_at, t) for t in case.tasks if t.due_at is not None]
    task = min(due, key=lambda pair: pair[0])[1] if due else case.tasks[0]
    unit = db.session.get(OrgUnit, task.org_unit) if task.org_unit else None
    organisation = db.session.get(Organisation, case.organisation_code) if case.organisation_code else None
    step: dict[str, Any] = {"unit": unit.name if unit else (organisation.name if organisation else None),
                            "due_at": None, "working_days_left": None, "overdue": False}
    if task.due_at is not None:
        step["due_at"] = task.due_at.isoformat()
        step["working_days_left"] = calendar_for(case.organisation_code).working_days_left(task.due_at, now=now)
        step["overdue"] = task.due_at < now
    return step


def _last_events(case: Case, *actions: str) -> dict[str, AuditEvent]:
    """The latest event of each of these actions, in one query (few: one per reply)."""
    last = {}
    for event in db.session.scalars(
        db.select(AuditEvent).where(AuditEvent.case_id == case.id, AuditEvent.action.in_(actions))
        .order_by(AuditEvent.id)
    ):
        last[event.action] = event
    return last
