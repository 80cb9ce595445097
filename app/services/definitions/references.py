"""Allowed values of the database-backed form field types, and the cases that were
forwarded to other agencies (what SOP 004 monitors).

Every value is scoped to the organisation of the case the form is filled for, in the
query itself: a unit of that organisation, an agency other than that organisation, a
case of that organisation that was forwarded. A case whose process no organisation runs
(organisation None) sees the units that belong to none and the forwarded cases that
belong to none. The same functions feed the task page, the API's JSON Schema and the
server-side check, so what is offered is exactly what is accepted."""
from dataclasses import dataclass

from flask_babel import gettext as _

from app.extensions import db
from app.models import AuditEvent, Case, Organisation, OrgUnit

FORWARDED = "case.forwarded"


@dataclass(frozen=True)
class ForwardedCase:
    case: Case
    organisation: str  # where it went
    answered: bool  # the receiving agency's linked case here has finished


def _same_organisation(column, organisation_code: str | None):
    return column.is_(None) if organisation_code is None else column == organisation_code


def _units_query(organisation_code: str | None):
    # OrgUnit.organisation is "" (not NULL) for a unit of no organisation.
    return db.select(OrgUnit).where(OrgUnit.organisation == (organisation_code or ""))


def _agencies_query(organisation_code: str | None):
    # Forwarding goes to another agency; the case's own is never a destination.
    query = db.select(Organisation)
    return query if organisation_code is None else query.where(Organisation.code != organisation_code)


def _forward_events_query(organisation_code: str | None):
    return (
        db.select(AuditEvent)
        .join(Case, AuditEvent.case_id == Case.id)
        .where(AuditEvent.action == FORWARDED, _same_organisation(Case.organisation_code, organisation_code))
    )


def forwarded_cases(*, organisation_code: str | None) -> list[ForwardedCase]:
    """Every case of the organisation that was handed over or copied to another agency,
    newest first."""
    events = db.session.scalars(_forward_events_query(organisation_code).order_by(AuditEvent.id.desc())).all()
    latest: dict[int | None, AuditEvent] = {}  # case id -> its newest forward
    for event in events:
        latest.setdefault(event.case_id, event)
    linked_ids = {(e.data_after or {}).get("linked_case_id") for e in latest.values()} - {None}
    cases = {c.id: c for c in db.session.scalars(db.select(Case).where(Case.id.in_(set(latest) | linked_ids)))}
    return [
        ForwardedCase(
            case=cases[case_id],
            organisation=(event.data_after or {}).get("organisation_name", ""),
            answered=bool((linked := cases.get((event.data_after or {}).get("linked_case_id"))) and linked.completed),
        )
        for case_id, event in latest.items()
    ]


def reference_values(types: set[str], *, organisation_code: str | None) -> dict[str, set]:
    """The values each database-backed field type asked for accepts on a case of this
    organisation: what the server-side check of a submission compares against."""
    values: dict[str, set] = {}
    if "unit" in types:
        values["unit"] = set(db.session.scalars(_units_query(organisation_code).with_only_columns(OrgUnit.code)))
    if "organisation" in types:
        values["organisation"] = set(
            db.session.scalars(_agencies_query(organisation_code).with_only_columns(Organisation.code))
        )
    if "forwarded_cases" in types:
        values["forwarded_cases"] = set(
            db.session.scalars(_forward_events_query(organisation_code).with_only_columns(AuditEvent.case_id))
        )
    return values


def reference_choices(types: set[str], *, organisation_code: str | None) -> dict[str, list[tuple[str, str]]]:
    """(value, label) pairs for rendering the database-backed fields of a form filled for
    a case of this organisation (the task page and the API's JSON Schema)."""
    choices: dict[str, list[tuple[str, str]]] = {}
    if "unit" in types:
        choices["unit"] = [(u.code, u.name) for u in db.session.scalars(_units_query(organisation_code).order_by(OrgUnit.name))]
    if "organisation" in types:
        choices["organisation"] = [
            (o.code, o.name) for o in db.session.scalars(_agencies_query(organisation_code).order_by(Organisation.name))
        ]
    if "forwarded_cases" in types:
        choices["forwarded_cases"] = [
            (str(f.case.id), f"{f.case.tracking_number} · {f.case.title} → {f.organisation}"
             + " · " + (_("dijawab") if f.answered else _("belum dijawab")))
            for f in forwarded_cases(organisation_code=organisation_code)
        ]
    return choices


def preview_choices(types: set[str]) -> dict[str, list[tuple[str, str]]]:
    """Options for the process owners' form preview, which is filled for no case: the
    units and agencies of every organisation, and no case titles at all."""
    choices: dict[str, list[tuple[str, str]]] = {}
    if "unit" in types:
        choices["unit"] = [(u.code, u.name) for u in db.session.scalars(db.select(OrgUnit).order_by(OrgUnit.name))]
    if "organisation" in types:
        choices["organisation"] = [
            (o.code, o.name) for o in db.session.scalars(db.select(Organisation).order_by(Organisation.name))
        ]
    if "forwarded_cases" in types:
        choices["forwarded_cases"] = []
    return choices
