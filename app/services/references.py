"""Allowed values of the database-backed form field types, and the cases that were
forwarded to other agencies (what SOP 004 monitors)."""
from dataclasses import dataclass

from app.extensions import db
from app.models import AuditEvent, Case, Organisation, OrgUnit

FORWARDED = "case.forwarded"


@dataclass(frozen=True)
class ForwardedCase:
    case: Case
    organisation: str  # where it went
    answered: bool  # the receiving agency's linked case here has finished


def forwarded_cases() -> list[ForwardedCase]:
    """Every case that was handed over or copied to another agency, newest first."""
    events = db.session.scalars(
        db.select(AuditEvent).where(AuditEvent.action == FORWARDED).order_by(AuditEvent.id.desc())
    ).all()
    latest = {}  # case id -> its newest forward
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


def reference_values(types: set[str]) -> dict[str, set]:
    """The allowed values for each database-backed field type asked for."""
    values: dict[str, set] = {}
    if "unit" in types:
        values["unit"] = set(db.session.scalars(db.select(OrgUnit.code)))
    if "organisation" in types:
        values["organisation"] = set(db.session.scalars(db.select(Organisation.code)))
    if "forwarded_cases" in types:
        values["forwarded_cases"] = set(
            db.session.scalars(db.select(AuditEvent.case_id).where(AuditEvent.action == FORWARDED))
        )
    return values


def reference_choices(types: set[str]) -> dict[str, list[tuple[str, str]]]:
    """(value, label) pairs for rendering the database-backed fields of a form."""
    choices: dict[str, list[tuple[str, str]]] = {}
    if "unit" in types:
        choices["unit"] = [(u.code, u.name) for u in db.session.scalars(db.select(OrgUnit).order_by(OrgUnit.name))]
    if "organisation" in types:
        choices["organisation"] = [
            (o.code, o.name) for o in db.session.scalars(db.select(Organisation).order_by(Organisation.name))
        ]
    if "forwarded_cases" in types:
        choices["forwarded_cases"] = [
            (str(f.case.id), f"{f.case.tracking_number} · {f.case.title} → {f.organisation}"
             + (" · dijawab" if f.answered else " · belum dijawab"))
            for f in forwarded_cases()
        ]
    return choices
