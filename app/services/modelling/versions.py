"""Deployed versions as a process owner sees them: history, decision tables, export and
rollback. Versions are immutable; a rollback deploys an old version's models again as
the newest version, so running cases keep theirs and new cases take the restored one."""
import hashlib
from dataclasses import dataclass, field
from datetime import datetime

from flask_babel import lazy_gettext as _l
from sqlalchemy.exc import IntegrityError

from app.extensions import db
from app.models import Case, ProcessDefinition, ProcessVersion
from app.services.audit_trail.audit import record_event
from app.services.definitions.processes import DeploymentError, deploy_process


class VersionError(Exception):
    """A request about versions that cannot be met; the message says why."""


@dataclass(frozen=True)
class VersionRow:
    version: ProcessVersion
    running_cases: int
    total_cases: int
    # The earliest older version with the same content (what a rollback restored).
    same_as: int | None = None


@dataclass
class ProcessHistory:
    definition: ProcessDefinition
    rows: list[VersionRow]  # newest first

    @property
    def newest(self) -> ProcessVersion:
        return self.rows[0].version


@dataclass
class TableRevision:
    """One distinct content of a decision table file, as first deployed with a process."""

    number: int
    content_hash: str
    first_deployed_at: datetime
    first_deployed_by: str
    used_by: list[tuple[str, int]] = field(default_factory=list)  # (process key, version number)
    running_cases: int = 0  # on the process versions that use this content


@dataclass
class DecisionTableHistory:
    filename: str
    revisions: list[TableRevision]  # newest first


def _case_counts() -> dict[int, tuple[int, int]]:
    """{version id: (running cases, all cases)} in one query."""
    rows = db.session.execute(
        db.select(
            Case.process_version_id,
            db.func.count(Case.id),
            db.func.sum(db.case((Case.completed.is_(False), 1), else_=0)),
        ).group_by(Case.process_version_id)
    )
    return {version_id: (int(running or 0), int(total)) for version_id, total, running in rows}


def process_histories() -> list[ProcessHistory]:
    """Every deployed process with all its versions, newest first, and their case counts."""
    counts = _case_counts()
    definitions = db.session.scalars(db.select(ProcessDefinition).order_by(ProcessDefinition.key))
    histories = []
    for definition in definitions:
        versions = sorted(definition.versions, key=lambda v: v.number)
        first_with: dict[str, int] = {}
        rows = []
        for v in versions:
            same_as = first_with.setdefault(v.content_hash, v.number)
            rows.append(VersionRow(v, *counts.get(v.id, (0, 0)), same_as=same_as if same_as != v.number else None))
        if rows:
            histories.append(ProcessHistory(definition, rows[::-1]))
    return histories


def process_history(*, process_key: str) -> ProcessHistory:
    for history in process_histories():
        if history.definition.key == process_key:
            return history
    raise VersionError(_l("Proses '%(process_key)s' tidak ditemukan.", process_key=process_key))


def version_of(*, process_key: str, number: int) -> ProcessVersion:
    version = db.session.scalars(
        db.select(ProcessVersion)
        .join(ProcessDefinition)
        .where(ProcessDefinition.key == process_key, ProcessVersion.number == number)
    ).first()
    if version is None:
        raise VersionError(_l(
            "Versi %(number)s dari proses '%(process_key)s' tidak ditemukan.",
            number=number, process_key=process_key))
    return version


def decision_table_histories() -> list[DecisionTableHistory]:
    """Each decision table file with its distinct contents over all deployments.

    Tables are deployed with the processes that use them, not on their own, so a table's
    revision is a content first seen in some process version; its number counts them."""
    versions = db.session.scalars(
        db.select(ProcessVersion).join(ProcessDefinition).order_by(ProcessVersion.deployed_at, ProcessVersion.id)
    )
    counts = _case_counts()
    by_file: dict[str, dict[str, TableRevision]] = {}
    for version in versions:
        for filename, xml in sorted((version.decision_files or {}).items()):
            revisions = by_file.setdefault(filename, {})
            digest = hashlib.sha256(xml.encode("utf-8")).hexdigest()
            revision = revisions.get(digest)
            if revision is None:
                revision = revisions[digest] = TableRevision(
                    number=len(revisions) + 1,
                    content_hash=digest,
                    first_deployed_at=version.deployed_at,
                    first_deployed_by=version.deployed_by,
                )
            revision.used_by.append((version.definition.key, version.number))
            revision.running_cases += counts.get(version.id, (0, 0))[0]
    return [
        DecisionTableHistory(filename, sorted(revisions.values(), key=lambda r: r.number, reverse=True))
        for filename, revisions in sorted(by_file.items())
    ]


def decision_file_of(*, process_key: str, number: int, filename: str) -> str:
    version = version_of(process_key=process_key, number=number)
    xml = (version.decision_files or {}).get(filename)
    if xml is None:
        raise VersionError(_l(
            "Tabel keputusan '%(filename)s' tidak ada pada versi %(number)s dari '%(process_key)s'.",
            filename=filename, number=number, process_key=process_key))
    return xml


def rollback_process(*, process_key: str, number: int, actor: str) -> ProcessVersion:
    """Deploy version `number`'s diagram, tables and forms again as a new version; commits.

    The new version has a new number and the old content (the same content hash).
    Running cases are untouched: each finishes on the version it started with."""
    old = version_of(process_key=process_key, number=number)
    newest = db.session.scalars(
        db.select(ProcessVersion).where(ProcessVersion.definition_id == old.definition_id)
        .order_by(ProcessVersion.number.desc()).limit(1)
    ).one()
    if newest.content_hash == old.content_hash:
        raise VersionError(_l(
            "Versi %(newest)s sudah sama isinya dengan versi %(number)s; tidak ada yang dipulihkan.",
            newest=newest.number, number=number))
    try:
        restored = deploy_process(
            process_key=process_key,
            bpmn_xml=old.bpmn_xml,
            decision_files=dict(old.decision_files or {}),
            forms=dict(old.forms or {}),
            deployed_by=actor,
        )
        _record_rollback(newest=newest, restored=restored, number=number, actor=actor)
        db.session.commit()
    except DeploymentError as exc:
        db.session.rollback()
        raise VersionError(_l("Versi %(number)s tidak dapat dideploy lagi: %(exc)s", number=number, exc=exc)) from exc
    except IntegrityError as exc:  # another deployment took the same number first
        db.session.rollback()
        raise VersionError(_l("Proses ini baru saja dideploy oleh orang lain; muat ulang lalu coba lagi.")) from exc
    return restored


def _record_rollback(*, newest: ProcessVersion, restored: ProcessVersion, number: int, actor: str) -> None:
    process_key = restored.definition.key
    record_event(
        case=None,
        action="process.rolled_back",
        actor=actor,
        data_before={"process": process_key, "version": newest.number, "content_hash": newest.content_hash},
        data_after={"process": process_key, "version": restored.number, "restored_from": number,
                    "content_hash": restored.content_hash},
        detail=f"{process_key}: versi {restored.number} memulihkan versi {number} (menggantikan versi {newest.number})",
    )
