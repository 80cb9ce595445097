"""The printable case file: everything that happened to a case, read from its audit
trail, with the SOP diagram showing the path it took and the hash chain's head and
verification result, so a printed copy can later be checked against the database.

The complainant's identity comes only from app.services.organisation.identity, for the reader."""
import base64
from dataclasses import dataclass, field
from datetime import datetime, timedelta, timezone
from zoneinfo import ZoneInfo

from flask import render_template
from flask_babel import force_locale
from sqlalchemy.orm import undefer

from app.extensions import db
from app.models import AuditEvent, Case, Organisation, ProcessVersion, User
from app.services.audit_trail.audit import case_events
from app.services.audit_trail.audit_chain import verify_chains
from app.services.audit_trail.audit_seals import PRINT, seal_chains
from app.services.casefile.case_files import complaint_for_case, documents_for_case
from app.services.casefile.diagram_svg import DiagramError, diagram_pages, parse_diagram, taken_path
from app.services.casefile.presentation import HIDDEN_KEYS, Labels, file_size, labels_for, local_time, long_date, show
from app.services.casefile.presentation_events import actor_text, event_text
from app.services.casework.workflow_state import load_instance
from app.services.organisation.calendar import calendar_for
from app.services.organisation.identity import (
    IDENTITY_FIELDS,
    hidden_identity_label,
    identity_visible,
    redact_identity,
    reporter_identity,
)
from app.services.organisation.signatory import signatory_of

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
    form_data: list[tuple[str, str]] = field(default_factory=list)

    @property
    def duration(self) -> timedelta | None:
        return self.ended_at - self.started_at if self.ended_at else None


def _shown(data: dict | None, *, visible: bool, label: str, labels: Labels, lang: str, zone: ZoneInfo,
           redact=lambda value: value) -> list[tuple[str, str]]:
    """Form or event data as (label, text) pairs read as a person reads them
    (app/services/casefile/presentation.py), identity fields masked for a reader who may not see
    the complainant's identity, and identity values copied into free text (a staff note
    quoting the name) blanked by `redact`."""
    return [(labels.key(key, lang=lang),
             redact(labels.value(key, value, lang=lang, zone=zone)) if visible or key not in IDENTITY_FIELDS else label)
            for key, value in (data or {}).items() if key not in HIDDEN_KEYS]


def _iso(value: str | None) -> datetime | None:
    return datetime.fromisoformat(value) if value else None


def build_timeline(*, case: Case, events: list[AuditEvent], standard_times: dict[str, str], visible: bool,
                   label: str, now: datetime, shown) -> list[TimelineRow]:
    rows: dict[str, TimelineRow] = {}
    for event in events:
        row = rows.get(event.engine_task_id or "")
        if event.action == "task.created":
            rows[event.engine_task_id or ""] = TimelineRow(
                task_id=event.engine_task_id or "", element_id=event.element_id,
                step=event.detail or event.element_id or "",
                lane=event.lane, started_at=event.occurred_at,
                due_at=_iso((event.data_after or {}).get("due_at")),
                standard=standard_times.get(event.element_id or ""))
        elif row is None:
            continue
        elif event.action == "task.claimed":
            row.actor = actor_text(event)
        elif event.action == "task.completed":
            row.actor, row.ended_at = actor_text(event), event.occurred_at
            row.form_data = shown(event.data_after)
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


def document_number(*, case: Case, head_hash: str | None) -> str:
    """BK/<organisation>/<tracking number>/<first 8 of the chain's head hash>: one number
    per state of the trail, so two prints of the same history carry the same number."""
    return f"BK/{(case.organisation_code or 'umum').upper()}/{case.tracking_number}/{(head_hash or '0' * 8)[:8].upper()}"


def _diagram(case: Case, version: ProcessVersion, events: list[AuditEvent]):
    """The diagram, its elements' names and the pages showing the path the case took:
    the engine's own history (gateways and script tasks included) joined with what the
    audit trail saw reached (branches the engine later cancelled)."""
    try:
        diagram = parse_diagram(version.bpmn_xml)
    except DiagramError:
        return None, []
    reached = {e.element_id for e in events if e.action in _REACHING and e.element_id}
    done, waiting, moves = load_instance(case).path()
    # Where the case waits now: its open tasks, or else the timers and messages it awaits
    # (a deadline timer on a waiting task's border waits too, but is not where the case is).
    current = {entry.element_id for entry in case.tasks} or {e for e in waiting if e in diagram.nodes}
    elements, flows = taken_path(diagram, reached | done | current)
    flows |= {f for f, ends in diagram.flows.items() if ends in moves and ends[1] not in waiting - current}
    if case.completed:
        current = set()
    return diagram, diagram_pages(diagram, done=elements - current, current=current, flows=flows)


def case_file(*, case: Case, viewer: User | None, now: datetime | None = None, lang: str = "id") -> dict:
    """Everything the printed case file shows, as plain values for the template, in `lang`."""
    with force_locale(lang):
        return _case_file(case=case, viewer=viewer, now=now, lang=lang)


def _case_file(*, case: Case, viewer: User | None, now: datetime | None, lang: str) -> dict:
    now = now or datetime.now(timezone.utc)
    version = db.session.scalars(
        db.select(ProcessVersion).where(ProcessVersion.id == case.process_version_id)
        .options(undefer(ProcessVersion.bpmn_xml))
    ).one()
    events = case_events(case_id=case.id)
    complaint = complaint_for_case(case_id=case.id)
    visible = complaint is not None and identity_visible(complaint=complaint, viewer=viewer)
    label = hidden_identity_label(complaint) if complaint is not None else ""
    zone = calendar_for(case.organisation_code).zone
    labels = labels_for(version)

    def redact(value):
        return redact_identity(value, complaint=complaint, viewer=viewer)

    def shown(data):
        return _shown(data, visible=visible, label=label, labels=labels, lang=lang, zone=zone, redact=redact)

    diagram, pages = _diagram(case, version, events)
    names = {n.id: n.name for n in diagram.nodes.values() if n.name} if diagram else {}
    [chain] = verify_chains(case_id=case.id)
    organisation = db.session.get(Organisation, case.organisation_code) if case.organisation_code else None
    return {
        "case": case,
        "version": version,
        "organisation": organisation,
        "complaint": complaint,
        # Free text a complainant typed can name them: it passes the same redaction as
        # the page and the API (app/services/organisation/identity.py).
        "report": {key: redact(getattr(complaint, key) or "") for key in ("uraian", "lokasi_kejadian", "terlapor")}
        if complaint is not None else None,
        "identity": reporter_identity(complaint=complaint, viewer=viewer) if complaint is not None else None,
        "timeline": build_timeline(case=case, events=events, standard_times=diagram.standard_times if diagram else {},
                                   visible=visible, label=label, now=now, shown=shown),
        "decisions": [e for e in events if e.action == "decision.evaluated"],
        "events": events,
        "event_text": {e.id: redact(event_text(e, labels=labels, lang=lang, zone=zone, element_names=names,
                                                   form_data=False))
                       for e in events},
        "event_data": {e.id: (shown(e.data_before), shown(e.data_after)) for e in events},
        "redact": redact,
        "actor": {e.id: actor_text(e) for e in events},
        "when": lambda moment: local_time(moment, zone=zone),
        "value": lambda value: show(value, lang=lang, zone=zone),
        "size": lambda size: file_size(size, lang=lang),
        "element_names": names,
        "documents": documents_for_case(case_id=case.id),
        "diagram_pages": [("data:image/svg+xml;base64," + base64.b64encode(svg.encode()).decode(), width, height)
                          for svg, width, height in pages],
        "chain": chain,
        "document_number": document_number(case=case, head_hash=chain.head_hash),
        "signatory": signatory_of(organisation),
        "signed_on": long_date(now.astimezone(zone).date(), lang=lang),
        "printed_at": now,
        "reader": viewer.username if viewer is not None else None,
    }


def render_case_pdf(*, case: Case, viewer: User | None, lang: str = "id") -> bytes:
    """The case file as PDF bytes, in `lang` (Indonesian unless the reader chose English)."""
    from weasyprint import HTML  # heavy; loaded when a PDF is first asked for

    seal_chains(reason=PRINT)  # the head printed on paper is also pinned by a seal

    data = case_file(case=case, viewer=viewer, lang=lang)
    with force_locale(lang):
        html = render_template("pdf/case.html", **data)
    return HTML(string=html).write_pdf()
