"""Deploying diagrams, with their decision tables and forms, as immutable versions."""
import functools
import hashlib
import json
from pathlib import Path

from sqlalchemy.orm import contains_eager

from app.engine import ModelError, ProcessEngine, decision_ids, decision_refs
from app.extensions import db
from app.models import ProcessDefinition, ProcessVersion, Role
from app.services.audit_trail.audit import record_event
from app.services.definitions.deadline_timers import ESCALATION_FORM, deadline_timers
from app.services.definitions.forms import load_form_directory
from app.services.definitions.transaction_memo import forget_remembered, remembered


class DeploymentError(Exception):
    """A model that cannot be deployed; the message says what to fix."""


@functools.cache
def process_engine() -> ProcessEngine:
    """One engine per process: it caches parsed specs per version."""
    return ProcessEngine()


_forms_cache: dict[str, dict] = {}


def version_forms(version: ProcessVersion) -> dict[str, dict]:
    """A version's forms, read from the database once per process: versions never change."""
    forms = _forms_cache.get(version.content_hash)
    if forms is None:
        forms = _forms_cache.setdefault(version.content_hash, version.forms)
    return forms


def _content_hash(bpmn_xml: str, decision_files: dict, forms: dict) -> str:
    canonical = json.dumps([bpmn_xml, decision_files, forms], sort_keys=True, ensure_ascii=False)
    return hashlib.sha256(canonical.encode("utf-8")).hexdigest()


def latest_version(*, process_key: str) -> ProcessVersion | None:
    """The newest version of a process, read once per transaction (a page's menu and
    its head check both ask); with its definition from the same join: a new case's
    audit event names its key."""
    return remembered(("latest_version", process_key), lambda: db.session.scalars(
        db.select(ProcessVersion)
        .join(ProcessDefinition)
        .options(contains_eager(ProcessVersion.definition))
        .where(ProcessDefinition.key == process_key)
        .order_by(ProcessVersion.number.desc())
        .limit(1)
    ).first())


def deploy_process(
    *, process_key: str, bpmn_xml: str, decision_files: dict[str, str], forms: dict[str, dict], deployed_by: str,
    reason: str | None = None,
) -> ProcessVersion:
    """Parse and store a new version, or return the latest one if nothing changed.

    Only the decision tables and forms the diagram names are kept with the version, so
    a change to another SOP's table does not make a new version of this one."""
    try:
        parsed = process_engine().parse(process_id=process_key, bpmn_xml=bpmn_xml, decision_files=decision_files)
    except ModelError as exc:
        raise DeploymentError(str(exc)) from exc
    form_keys = set(parsed.form_keys)
    if ESCALATION_FORM in forms and deadline_timers(bpmn_xml):  # a passed deadline's escalation item uses it
        form_keys.add(ESCALATION_FORM)
    missing_forms = sorted(form_keys - forms.keys())
    if missing_forms:
        raise DeploymentError(f"Formulir belum ada untuk formKey: {', '.join(missing_forms)}.")
    used_forms = {key: forms[key] for key in sorted(form_keys)}
    content_hash = _content_hash(bpmn_xml, decision_files, used_forms)

    definition = db.session.scalars(db.select(ProcessDefinition).where(ProcessDefinition.key == process_key)).first()
    if definition is None:
        definition = ProcessDefinition(key=process_key, name=parsed.process_name)
        db.session.add(definition)
    latest = latest_version(process_key=process_key)
    if latest is not None and latest.content_hash == content_hash:
        return latest
    definition.name = parsed.process_name
    version = ProcessVersion(
        definition=definition,
        number=(latest.number + 1) if latest else 1,
        bpmn_xml=bpmn_xml,
        decision_files=decision_files,
        forms=used_forms,
        spec_json=parsed.spec_json,
        content_hash=content_hash,
        lanes=list(parsed.lanes),
        unit_scoped_lanes=list(parsed.unit_scoped_lanes),
        start_lanes=list(parsed.start_lanes),
        deployed_by=deployed_by,
    )
    db.session.add(version)
    forget_remembered()  # the newest versions just changed
    _ensure_roles(parsed.lanes)
    db.session.flush()
    record_event(case=None, action="process.deployed", actor=deployed_by, detail=reason or f"{process_key} v{version.number}",
                 data_before={"version": latest.number} if latest else None,
                 data_after={"process": process_key, "version": version.number, "content_hash": content_hash})
    return version


def _ensure_roles(lanes) -> None:
    """Every lane names a role; a new lane creates its role so accounts can be given it."""
    existing = set(db.session.scalars(db.select(Role.name).where(Role.name.in_(lanes))))
    for lane in lanes:
        if lane not in existing:
            db.session.add(Role(name=lane))


def deploy_directory(models_dir: Path, *, deployed_by: str) -> list[ProcessVersion]:
    """Deploy every bpmn/<key>.bpmn with the dmn/ tables and forms/ it uses; commits."""
    forms = load_form_directory(models_dir / "forms")
    tables: dict[str, tuple[str, str]] = {}  # decision id -> (file name, xml)
    for path in sorted((models_dir / "dmn").glob("*.dmn")):
        xml = path.read_text(encoding="utf-8")
        for decision_id in decision_ids(xml, filename=path.name):
            tables[decision_id] = (path.name, xml)
    versions = []
    for path in sorted((models_dir / "bpmn").glob("*.bpmn")):
        bpmn_xml = path.read_text(encoding="utf-8")
        refs = decision_refs(bpmn_xml)
        unknown = sorted(refs - tables.keys())
        if unknown:
            raise DeploymentError(f"{path.name}: tabel keputusan tidak ditemukan di dmn/: {', '.join(unknown)}.")
        decision_files = dict(tables[ref] for ref in refs)
        versions.append(
            deploy_process(
                process_key=path.stem,
                bpmn_xml=bpmn_xml,
                decision_files=decision_files,
                forms=forms,
                deployed_by=deployed_by,
            )
        )
    db.session.commit()
    return versions


def deployed_processes() -> list[ProcessVersion]:
    """The newest version of every process, read once per transaction (a page asks for
    its lanes, its start buttons and its filter from several services)."""
    return list(remembered("deployed_processes", _newest_versions))


def _newest_versions() -> list[ProcessVersion]:
    newest = (
        db.select(ProcessVersion.definition_id, db.func.max(ProcessVersion.number).label("number"))
        .group_by(ProcessVersion.definition_id)
        .subquery()
    )
    return list(
        db.session.scalars(
            db.select(ProcessVersion)
            .join(newest, (ProcessVersion.definition_id == newest.c.definition_id) & (ProcessVersion.number == newest.c.number))
            .join(ProcessDefinition)
            .options(contains_eager(ProcessVersion.definition))  # every caller reads the key
            .order_by(ProcessDefinition.key)
        )
    )
