"""Agencies in one deployment: those that run their SOP here, and those we only write to.

An agency is data: its name, zone, working week, whether it takes public complaints, the
SOP it runs, the lanes of that SOP that see a confidential identity, that enter offline
complaints and that compile or receive its half-yearly report, and who the report is for. The system administrator
sets them at /admin/instansi (or `organisations create`); the agencies of the five
shipped SOPs, and those they forward to that do not run here, are seeded from
seed/organisations.json by `organisations seed` and `demo seed`.
"""
import json
from pathlib import Path

from flask import current_app

from app.extensions import db
from app.models import Organisation, ProcessDefinition, ProcessVersion
from app.services.definitions.statuses import ensure_shipped_statuses
from app.services.definitions.transaction_memo import remembered


def seed_file() -> Path:
    return Path(current_app.config["DUMAS_MODELS_DIR"]) / "seed" / "organisations.json"


def shipped_organisations() -> list[dict]:
    return json.loads(seed_file().read_text(encoding="utf-8"))


def ensure_organisation(
    *, code: str, name: str, process_key: str | None = None, timezone: str = "Asia/Jakarta",
    accepts_complaints: bool = False, working_days: str = "0,1,2,3,4", identity_lanes: list | None = None,
    intake_lanes: list | None = None, report_recipient: str | None = None, report_lanes: list | None = None,
) -> Organisation:
    """The organisation `code`, created with these settings if missing (an existing one
    keeps its own: they are edited in the browser)."""
    organisation = db.session.get(Organisation, code)
    if organisation is None:
        organisation = Organisation(code=code, name=name, process_key=process_key, timezone=timezone,
                                    accepts_complaints=accepts_complaints, working_days=working_days,
                                    identity_lanes=list(identity_lanes or []), intake_lanes=list(intake_lanes or []),
                                    report_recipient=report_recipient, report_lanes=list(report_lanes or []))
        db.session.add(organisation)
        db.session.flush()
    return organisation


def ensure_known_organisations() -> None:
    """Create the shipped organisations and statuses that are missing; commits."""
    for entry in shipped_organisations():
        ensure_organisation(
            code=entry["code"], name=entry["name"], process_key=entry.get("process"),
            timezone=entry.get("timezone", "Asia/Jakarta"), accepts_complaints=entry.get("accepts_complaints", False),
            working_days=entry.get("working_days", "0,1,2,3,4"), identity_lanes=entry.get("identity_lanes"),
            intake_lanes=entry.get("intake_lanes"), report_recipient=entry.get("report_recipient"),
            report_lanes=entry.get("report_lanes"))
    ensure_shipped_statuses()
    db.session.commit()


def complaint_intakes() -> list[Organisation]:
    """Organisations a citizen can file with here: hosted, offered, SOP deployed. One
    query: every filing asks (it used to take one more per organisation)."""
    deployed = (db.select(ProcessVersion.id).join(ProcessDefinition)
                .where(ProcessDefinition.key == Organisation.process_key).exists())
    return list(db.session.scalars(
        db.select(Organisation).where(Organisation.accepts_complaints.is_(True), deployed).order_by(Organisation.name)
    ))


def organisation_of_case(case) -> Organisation | None:
    """The agency a case belongs to: its own, or the one running its process."""
    if case.organisation_code:
        return db.session.get(Organisation, case.organisation_code)
    return organisation_running(case.process_version.definition.key)


def organisation_running(process_key: str) -> Organisation | None:
    # Asked by the start buttons and by every new case: once per transaction.
    return remembered(("organisation_running", process_key), lambda: db.session.scalars(
        db.select(Organisation).where(Organisation.process_key == process_key)).first())


def all_organisations() -> list[Organisation]:
    return list(db.session.scalars(db.select(Organisation).order_by(Organisation.name)))
