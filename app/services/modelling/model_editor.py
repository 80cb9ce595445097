"""Process owners' edits: open a version in the editor, save a diagram or a decision
table through the deploy gate as a new version, with the forms edited beside it."""
import re
from dataclasses import dataclass

from flask_babel import lazy_gettext as _l
from sqlalchemy.exc import IntegrityError

from app.extensions import db
from app.models import ProcessDefinition, ProcessVersion, Role
from app.services.audit_trail.audit import record_event
from app.services.definitions.forms import FormDefinitionError, check_definition
from app.services.definitions.processes import DeploymentError, deploy_process, deployed_processes, latest_version
from app.services.modelling.deploy_gate import (
    GateRefused,
    GateReport,
    Problem,
    check_decision_entries,
    check_process,
    decision_ids_in,
    parse_safely,
    refused,
)


class ModelNotFound(LookupError):
    """No such process, version or decision table."""


@dataclass(frozen=True)
class Deployment:
    version: ProcessVersion
    changed: bool  # False when the content equals the newest version's: nothing was deployed
    report: GateReport


def version_for_editing(*, process_key: str, number: int | None = None) -> ProcessVersion:
    query = db.select(ProcessVersion).join(ProcessDefinition).where(ProcessDefinition.key == process_key)
    if number is not None:
        query = query.where(ProcessVersion.number == number)
    version = db.session.scalars(query.order_by(ProcessVersion.number.desc()).limit(1)).first()
    if version is None:
        raise ModelNotFound(process_key)
    return version


def available_forms() -> dict[str, dict]:
    """Every form of the newest version of every process: a diagram may use another's form
    (eskalasi_tenggat is shared), and a form edited with one diagram is found by the next."""
    forms: dict[str, dict] = {}
    for version in sorted(deployed_processes(), key=lambda v: v.deployed_at):
        forms.update(version.forms or {})
    return forms


def available_decisions() -> dict[str, tuple[str, str]]:
    """decision id -> (file name, DMN XML), from the newest versions; the most recently
    deployed table wins."""
    tables: dict[str, tuple[str, str]] = {}
    for version in sorted(deployed_processes(), key=lambda v: v.deployed_at):
        for filename, xml in (version.decision_files or {}).items():
            for decision_id in decision_ids_in(parse_safely(xml, filename=filename)):
                tables[decision_id] = (filename, xml)
    return tables


def decision_for_editing(*, decision_id: str) -> tuple[str, str, list[ProcessVersion]]:
    """(file name, DMN XML, the newest versions of the processes that use it)."""
    tables = available_decisions()
    if decision_id not in tables:
        raise ModelNotFound(decision_id)
    filename, xml = tables[decision_id]
    users = [v for v in deployed_processes() if filename in (v.decision_files or {})]
    return filename, xml, users


def _checked_forms(edited: dict) -> dict[str, dict]:
    forms = {}
    for key, form in (edited or {}).items():
        try:
            if not isinstance(form, dict):
                raise FormDefinitionError(f"{key}.json: formulir harus berupa objek JSON.")
            check_definition(form, source=f"{key}.json")
        except FormDefinitionError as exc:
            raise refused(_l("Formulir %(key)s tidak dapat dipakai: %(detail)s", key=key, detail=str(exc))) from None
        if form["key"] != key:
            raise refused(_l("Formulir %(key)s: isian 'key' harus %(key)s.", key=key))
        forms[key] = form
    return forms


def decisions_of(version: ProcessVersion) -> list[str]:
    """The decision ids of the tables a version uses, for links to their editor."""
    return sorted(d for name, xml in (version.decision_files or {}).items()
                  for d in decision_ids_in(parse_safely(xml, filename=name)))


def _commit() -> None:
    """Two owners deploying the same process at once: the second gets the same version
    number, which the database refuses; nothing of theirs is kept."""
    try:
        db.session.commit()
    except IntegrityError:
        db.session.rollback()
        raise refused(_l("Orang lain baru saja menerapkan versi baru proses ini. Buka ulang editor, lalu terapkan "
                         "lagi bila perubahan Anda masih diperlukan.")) from None


def _create_roles(names: list[str], *, actor: str, process_key: str) -> None:
    for name in names:
        db.session.add(Role(name=name, description=f"Jalur pada {process_key}"))
        record_event(case=None, action="role.created", actor=actor, detail=name,
                     data_after={"role": name, "process": process_key})


def _deploy(*, process_key: str, bpmn_xml: str, decision_files: dict, forms: dict, actor: str,
            report: GateReport, reason: str | None = None) -> Deployment:
    """deploy_process records `process.deployed` (who, which version, content hash)."""
    before = latest_version(process_key=process_key)
    try:
        version = deploy_process(process_key=process_key, bpmn_xml=bpmn_xml, decision_files=decision_files,
                                 forms=forms, deployed_by=actor, reason=reason)
    except DeploymentError as exc:  # the gate checks the same things first; kept as a last guard
        db.session.rollback()
        raise refused(_l("Mesin proses tidak dapat membaca diagram: %(detail)s", detail=str(exc))) from None
    return Deployment(version=version, changed=before is None or version.id != before.id, report=report)


PROCESS_ID = re.compile(r"^[A-Za-z_][A-Za-z0-9_-]{0,99}$")


def _new_tables(decision_xmls: dict[str, str], existing: dict[str, tuple[str, str]]) -> dict[str, tuple[str, str]]:
    """decision id -> (file name, xml) of tables uploaded with a new diagram (its own
    routing, to its own units); an id already deployed is refused, so a new agency never
    changes another's table."""
    tables: dict[str, tuple[str, str]] = {}
    for filename, xml in decision_xmls.items():
        root = parse_safely(xml, filename=filename)
        ids = decision_ids_in(root)
        if not ids:
            raise refused(_l("Berkas %(file)s tidak memuat tabel keputusan.", file=filename))
        taken = sorted(set(ids) & (existing.keys() | tables.keys()))
        if taken:
            raise refused(_l("Tabel keputusan %(ids)s sudah ada. Beri tabel baru id sendiri (mis. "
                             "disposisi_kutim), atau ubah tabel yang ada lewat editornya.", ids=", ".join(taken)))
        problems = check_decision_entries(root, filename=filename)
        if problems:
            raise GateRefused(GateReport(problems=problems))
        tables.update(dict.fromkeys(ids, (filename, xml)))
    return tables


def save_new_diagram(*, bpmn_xml: str, actor: str, create_missing_roles: bool = False,
                     decision_xmls: dict[str, str] | None = None) -> Deployment:
    """Deploy a diagram whose process is not here yet (a new agency's SOP, e.g. a copy of
    SOP 003 under its own process id and name) as its version 1, through the same gate,
    with the forms and tables already deployed and the new tables uploaded with it
    (`decision_xmls`, file name -> DMN XML); commits. Raises GateRefused."""
    root = parse_safely(bpmn_xml, filename="diagram.bpmn")
    ids = [p.get("id") for p in root.iter("{http://www.omg.org/spec/BPMN/20100524/MODEL}process")]
    if len(ids) != 1 or not PROCESS_ID.match(ids[0] or ""):
        raise refused(_l("Diagram baru harus memuat tepat satu proses dengan id huruf, angka, garis bawah atau "
                         "tanda hubung (mis. sop_inspektorat_kutim); ditemukan: %(found)s.", found=", ".join(
                             i or "-" for i in ids) or "-"))
    process_key = ids[0] or ""
    if latest_version(process_key=process_key) is not None:
        raise refused(_l("Proses %(key)s sudah ada. Ubah lewat editornya, atau beri diagram baru id proses "
                         "sendiri.", key=process_key))
    forms = available_forms()
    tables = available_decisions()
    tables.update(_new_tables(decision_xmls or {}, tables))
    library = dict(tables.values())
    report = check_process(process_key=process_key, bpmn_xml=bpmn_xml, decision_files=library, forms=forms,
                           create_missing_roles=create_missing_roles)
    if not report.passed:
        raise GateRefused(report)
    if create_missing_roles and report.missing_roles:
        _create_roles(report.missing_roles, actor=actor, process_key=process_key)
    deployment = _deploy(process_key=process_key, bpmn_xml=bpmn_xml,
                         decision_files=dict(tables[ref] for ref in report.decision_refs), forms=forms,
                         actor=actor, report=report)
    _commit()
    return deployment


def save_diagram(*, process_key: str, bpmn_xml: str, edited_forms: dict | None, actor: str,
                 create_missing_roles: bool = False, expected_newest: int | None = None) -> Deployment:
    """Deploy an edited diagram (and the forms edited beside it) as the process's next
    version; raises GateRefused, deploying nothing, when the gate finds a problem. Commits.

    `expected_newest`: the newest version when the editor was opened; if someone has
    deployed since, saving would silently undo their change, so it is refused."""
    newest = version_for_editing(process_key=process_key)  # only processes that exist are edited here
    if expected_newest is not None and newest.number != expected_newest:
        raise refused(_l("Versi %(number)d diterapkan oleh %(who)s setelah editor ini dibuka. Unduh diagram Anda, "
                         "buka ulang editor, lalu gabungkan perubahannya.", number=newest.number, who=newest.deployed_by))
    forms = {**available_forms(), **_checked_forms(edited_forms or {})}
    tables = available_decisions()
    # The gate parses the diagram safely first; the tables it uses are picked after.
    library = dict(tables.values())
    report = check_process(process_key=process_key, bpmn_xml=bpmn_xml, decision_files=library, forms=forms,
                           create_missing_roles=create_missing_roles)
    if not report.passed:
        raise GateRefused(report)
    decision_files = dict(tables[ref] for ref in report.decision_refs)
    if create_missing_roles and report.missing_roles:
        _create_roles(report.missing_roles, actor=actor, process_key=process_key)
    deployment = _deploy(process_key=process_key, bpmn_xml=bpmn_xml, decision_files=decision_files, forms=forms,
                         actor=actor, report=report)
    _commit()
    return deployment


def save_decision(*, decision_id: str, dmn_xml: str, actor: str) -> list[Deployment]:
    """Deploy a new version of every process that uses this decision table, with the
    table replaced; all of them or none (GateRefused). Commits."""
    filename, _old, users = decision_for_editing(decision_id=decision_id)
    root = parse_safely(dmn_xml, filename=filename)
    found = decision_ids_in(root)
    if found != [decision_id]:
        raise refused(_l("Tabel %(file)s harus memuat tepat satu keputusan dengan id %(id)s (ditemukan: %(found)s).",
                         file=filename, id=decision_id, found=", ".join(found) or "-"))
    problems = check_decision_entries(root, filename=filename)
    if problems:
        raise GateRefused(GateReport(problems=problems))
    forms = available_forms()
    plans = []
    combined = GateReport()
    for version in users:
        decision_files = {**version.decision_files, filename: dmn_xml}
        version_forms = {**forms, **version.forms}
        report = check_process(process_key=version.definition.key, bpmn_xml=version.bpmn_xml,
                               decision_files=decision_files, forms=version_forms)
        combined.problems += [Problem(_l("%(process)s: %(problem)s", process=version.definition.name,
                                         problem=p.message), p.element_id) for p in report.problems]
        plans.append((version, decision_files, version_forms, report))
    if combined.problems:
        raise GateRefused(combined)
    deployments = [
        _deploy(process_key=version.definition.key, bpmn_xml=version.bpmn_xml, decision_files=decision_files,
                forms=version_forms, actor=actor, report=report,
                reason=f"{version.definition.key}: tabel {decision_id} diubah")
        for version, decision_files, version_forms, report in plans
    ]
    _commit()
    return deployments

