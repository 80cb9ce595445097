"""The register's rows as people read them: labels, not codes; times in the case
organisation's zone with WIB/WITA/WIT; the complainant only where the reader may see
them (app/services/organisation/identity.py)."""
from dataclasses import dataclass
from datetime import datetime, timezone
from zoneinfo import ZoneInfo

from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from sqlalchemy import select
from sqlalchemy.orm import defer

from app.extensions import db
from app.models import Case, Complaint, Organisation, OrgUnit, ProcessDefinition, ProcessVersion, TaskIndexEntry, User
from app.services.casefile.presentation import confidentiality_label, humanise, local_time
from app.services.definitions.statuses import all_statuses
from app.services.intake.tracking import status_label
from app.services.organisation.identity import (
    CONFIDENTIALITY_LEVELS,
    identity_visible,
    redact_identity,
    reporter_identity,
)
from app.services.reporting.register import scope_versions

CHANNEL_LABELS = {
    "web": _l("Situs web"), "api": _l("API"), "surat": _l("Surat pengaduan"),
    "telepon": _l("Telepon / call center"), "tatap_muka": _l("Tatap muka / datang langsung"),
    "kotak_pengaduan": _l("Kotak pengaduan"),
}
TYPE_LABELS = {"pengaduan": _l("Pengaduan"), "aspirasi": _l("Aspirasi"),
               "permintaan_informasi": _l("Permintaan informasi")}
DEADLINE_LABELS = {"overdue": _l("Terlambat"), "at_risk": _l("Hampir jatuh tempo")}


@dataclass
class RegisterRow:
    case_id: int
    tracking_number: str
    title: str
    organisation: str
    process: str
    status: str
    status_code: str
    received_at: datetime
    received: str  # local time with its zone
    due_at: datetime | None
    due: str
    overdue: bool
    steps: list[str]
    lanes: list[str]
    units: list[str]
    claimed_by: list[str]
    channel: str
    type: str
    confidentiality: str
    # None when the reader may not see who filed it; the hidden label is then in
    # `complainant` and the identity values are absent.
    identity: dict[str, str] | None
    complainant: str


def channel_label(code: str | None) -> str:
    return str(CHANNEL_LABELS.get(code or "", humanise(code) if code else "—"))


def type_label(code: str | None) -> str:
    return str(TYPE_LABELS.get(code or "", humanise(code) if code else "—"))


def register_rows(case_ids: list[int], *, viewer: User, lang: str, now: datetime | None = None) -> list[RegisterRow]:
    """The rows of these cases, in the order given."""
    if not case_ids:
        return []
    now = now or datetime.now(timezone.utc)
    # Not the serialised workflows: a page of them is megabytes no row shows.
    cases = {c.id: c for c in db.session.scalars(select(Case).where(Case.id.in_(case_ids))
                                                  .options(defer(Case.workflow_state)))}
    complaints = {c.case_id: c for c in db.session.scalars(select(Complaint).where(Complaint.case_id.in_(case_ids)))}
    tasks: dict[int, list[TaskIndexEntry]] = {}
    for task in db.session.scalars(select(TaskIndexEntry).where(TaskIndexEntry.case_id.in_(case_ids))
                                   .order_by(TaskIndexEntry.created_at, TaskIndexEntry.id)):
        tasks.setdefault(task.case_id, []).append(task)
    organisations = {o.code: o for o in db.session.scalars(select(Organisation))}
    processes = dict(db.session.execute(select(ProcessVersion.id, ProcessDefinition.name).join(ProcessDefinition)).tuples().all())
    unit_names = dict(db.session.execute(select(OrgUnit.code, OrgUnit.name)).tuples().all())
    # Each label translated once per call, not once per row.
    labels: dict[tuple[str, str | None], str] = {}

    def label(kind: str, code: str | None, make) -> str:
        if (kind, code) not in labels:
            labels[kind, code] = make(code)
        return labels[kind, code]

    rows = []
    for case_id in case_ids:
        case = cases[case_id]
        complaint = complaints.get(case_id)
        organisation = organisations.get(case.organisation_code or "")
        zone = ZoneInfo(organisation.timezone if organisation and organisation.timezone else "Asia/Jakarta")
        open_tasks = tasks.get(case_id, [])
        dues = [t.due_at for t in open_tasks if t.due_at is not None]
        due = min(dues) if dues else None
        identity = None
        complainant = "—"
        if complaint is not None:
            shown = reporter_identity(complaint=complaint, viewer=viewer)
            if identity_visible(complaint=complaint, viewer=viewer):
                identity = shown
                complainant = shown["nama_lengkap"] or "—"
            else:
                complainant = _(shown["nama_lengkap"])
        rows.append(RegisterRow(
            case_id=case.id, tracking_number=case.tracking_number or "",
            title=redact_identity(case.title or (complaint.judul if complaint else ""), complaint=complaint, viewer=viewer),
            organisation=organisation.name if organisation else (case.organisation_code or "—"),
            process=processes.get(case.process_version_id, ""),
            status=label("status", case.status, lambda c: status_label(c, lang=lang)), status_code=case.status,
            received_at=case.created_at, received=local_time(case.created_at, zone=zone),
            due_at=due, due=local_time(due, zone=zone) if due else "—", overdue=bool(due and due < now),
            steps=[t.title for t in open_tasks], lanes=sorted({t.lane for t in open_tasks}),
            units=sorted({unit_names.get(t.org_unit, t.org_unit) for t in open_tasks if t.org_unit}),
            claimed_by=sorted({t.claimed_by for t in open_tasks if t.claimed_by}),
            channel=label("channel", complaint.channel if complaint else None, channel_label),
            type=label("type", complaint.jenis if complaint else None, type_label),
            confidentiality=label("confidentiality", (complaint.confidentiality or "biasa") if complaint else None,
                                  lambda c: confidentiality_label(c) if c else "—"),
            identity=identity, complainant=complainant,
        ))
    return rows


def filter_choices(*, user: User, lang: str) -> dict[str, list[tuple[str, str]]]:
    """(value, label) options of the register's filters, from what this user may see:
    the processes and lanes of the versions they hold a lane of; organisations and their
    units only for a national role, otherwise their own organisation's units."""
    versions = db.session.execute(
        select(ProcessDefinition.key, ProcessDefinition.name, ProcessVersion.lanes)
        .join(ProcessVersion).where(ProcessVersion.id.in_(scope_versions(user) or [0]))).all()
    organisations = []
    units = select(OrgUnit.code, OrgUnit.name).order_by(OrgUnit.name)
    if user.organisation_code is None:
        organisations = [(o.code, o.name) for o in db.session.scalars(
            select(Organisation).where(Organisation.process_key.is_not(None)).order_by(Organisation.name))]
    else:
        units = units.where(OrgUnit.organisation == user.organisation_code)
    return {
        "organisation": organisations,
        "process": sorted({(key, name) for key, name, _lanes in versions}, key=lambda p: p[1]),
        "lane": [(lane, lane) for lane in sorted({lane for *_k, lanes in versions for lane in lanes or []})],
        "unit": [(code, name) for code, name in db.session.execute(units)],
        "status": sorted(((code, status_label(code, lang=lang)) for code in all_statuses()), key=lambda p: p[1]),
        "channel": [(code, str(label)) for code, label in CHANNEL_LABELS.items()],
        "type": [(code, str(label)) for code, label in TYPE_LABELS.items()],
        "deadline": [(code, str(label)) for code, label in DEADLINE_LABELS.items()],
        "confidentiality": [(code, confidentiality_label(code)) for code in CONFIDENTIALITY_LEVELS],
    }
