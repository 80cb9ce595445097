"""The printable case file: everything that happened to a case, read from its audit
trail, with the SOP diagram showing the path it took and the hash chain's head and
verification result, so a printed copy can later be checked against the database.

The complainant's identity comes only from app.services.identity, for the reader."""
import base64
from dataclasses import dataclass, field
from datetime import datetime, timedelta, timezone

from flask import render_template
from flask_babel import force_locale
from sqlalchemy.orm import undefer

from app.extensions import db
from app.models import AuditEvent, Case, Organisation, ProcessVersion, User
from app.services.audit import case_events
from app.services.audit_chain import verify_chains
from app.services.audit_seals import PRINT, seal_chains
from app.services.case_files import complaint_for_case, documents_for_case
from app.services.diagram_svg import DiagramError, parse_diagram, render_svg, taken_path
from app.services.identity import (
    IDENTITY_FIELDS,
    hidden_identity_label,
    identity_visible,
    redact_identity,
    reporter_identity,
)

# Actions whose element_id marks an element of the diagram as reached.
_REACHING = {"task.created", "task.completed", "decision.evaluated", "event.reached", "timer.fired",
             "case.forwarded"}


@dataclass
class TimelineRow:
    """One user task of the case: when it started and ended, who did it, and how that
    compares with the SOP's standard time and the deadline in force."""

    task_id: str
    element_id: str | None
    step: str
    lane: str | None
    started_at: datetime
    actor: str | None = None
    ended_at: datetime | None = None
    due_at: datetime | None = None
    standard: str | None = None
    outcome: str | None = None  # "met", "missed", "overdue" (open, past due), "open"
    form_data: list[tuple[str, object]] = field(default_factory=list)

    @property
    def duration(self) -> timedelta | None:
        return self.ended_at - self.started_at if self.ended_at else None


def _shown(data: dict | None, *, visible: bool, label: str, redact=lambda value: value) -> list[tuple[str, object]]:
    """Form or event data as (key, value) pairs, identity fields masked for a reader who
    may not see the complainant's identity, and identity values copied into free text
    (a staff note quoting the name) blanked by `redact`."""
    return [(key, redact(value) if visible or key not in IDENTITY_FIELDS else label) for key, value in (data or {}).items()]


def _iso(value: str | None) -> datetime | None:
    return datetime.fromisoformat(value) if value else None


def build_timeline(*, case: Case, events: list[AuditEvent], standard_times: dict[str, str], visible: bool,
                   label: str, now: datetime, redact=lambda value: value) -> list[TimelineRow]:
    rows: dict[str, TimelineRow] = {}
    for event in events:
        row = rows.get(event.engine_task_id or "")
        if event.action == "task.created":
            rows[event.engine_task_id] = TimelineRow(
                task_id=event.engine_task_id, element_id=event.element_id, step=event.detail or event.element_id,
                lane=event.lane, started_at=event.occurred_at,
                due_at=_iso((event.data_after or {}).get("due_at")),
                standard=standard_times.get(event.element_id))
        elif row is None:
            continue
        elif event.action == "task.claimed":
            row.actor = event.actor
        elif event.action == "task.completed":
            row.actor, row.ended_at = event.actor, event.occurred_at
            row.form_data = _shown(event.data_after, visible=visible, label=label, redact=redact)
        elif event.action in ("deadline.met", "deadline.missed"):
            row.outcome = "met" if event.action == "deadline.met" else "missed"
            row.due_at = _iso((event.data_after or {}).get("due_at")) or row.due_at
    waiting = {entry.engine_task_id: entry for entry in case.tasks}
    for row in rows.values():
        if row.ended_at is None:
            entry = waiting.get(row.task_id)
            row.due_at = entry.due_at if entry is not None else row.due_at
            row.outcome = "overdue" if row.due_at and row.due_at < now else "open"
    return list(rows.values())


def case_file(*, case: Case, viewer: User | None, now: datetime | None = None) -> dict:
    """Everything the printed case file shows, as plain values for the template."""
    now = now or datetime.now(timezone.utc)
    version = db.session.scalars(
        db.select(ProcessVersion).where(ProcessVersion.id == case.process_version_id)
        .options(undefer(ProcessVersion.bpmn_xml))
    ).one()
    events = case_events(case_id=case.id)
    complaint = complaint_for_case(case_id=case.id)
    visible = complaint is not None and identity_visible(complaint=complaint, viewer=viewer)
    label = hidden_identity_label(complaint) if complaint is not None else ""

    def redact(value):
        return redact_identity(value, complaint=complaint, viewer=viewer)

    try:
        diagram = parse_diagram(version.bpmn_xml)
    except DiagramError:
        diagram, svg = None, None
    standard_times = diagram.standard_times if diagram else {}
    if diagram is not None:
        reached = {e.element_id for e in events if e.action in _REACHING and e.element_id}
        current = {entry.element_id for entry in case.tasks}
        elements, flows = taken_path(diagram, reached)
        svg = render_svg(diagram, done=elements - current, current=current, flows=flows)
    [chain] = verify_chains(case_id=case.id)
    return {
        "case": case,
        "version": version,
        "organisation": db.session.get(Organisation, case.organisation_code) if case.organisation_code else None,
        "complaint": complaint,
        "identity": reporter_identity(complaint=complaint, viewer=viewer) if complaint is not None else None,
        "timeline": build_timeline(case=case, events=events, standard_times=standard_times, visible=visible,
                                   label=label, now=now, redact=redact),
        "decisions": [e for e in events if e.action == "decision.evaluated"],
        "events": events,
        "event_data": {e.id: (_shown(e.data_before, visible=visible, label=label, redact=redact),
                              _shown(e.data_after, visible=visible, label=label, redact=redact)) for e in events},
        "redact": redact,
        "element_names": {n.id: n.name for n in diagram.nodes.values()} if diagram else {},
        "documents": documents_for_case(case_id=case.id),
        "diagram_src": "data:image/svg+xml;base64," + base64.b64encode(svg.encode()).decode() if svg else None,
        "chain": chain,
        "printed_at": now,
        "reader": viewer.username if viewer is not None else None,
    }


def render_case_pdf(*, case: Case, viewer: User | None, lang: str = "id") -> bytes:
    """The case file as PDF bytes, in `lang` (Indonesian unless the reader chose English)."""
    from weasyprint import HTML  # heavy; loaded when a PDF is first asked for

    seal_chains(reason=PRINT)  # the head printed on paper is also pinned by a seal

    with force_locale(lang):
        html = render_template("pdf/case.html", **case_file(case=case, viewer=viewer))
    return HTML(string=html).write_pdf()
