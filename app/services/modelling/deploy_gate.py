"""The gate a diagram or decision table passes before it becomes a new version.

Every problem is said in a process owner's words, with the name of the element it is
about: the file is safe XML (no DOCTYPE or entity, checked before any parser sees it);
it holds the process it claims to; every lane is a role; every formKey has a form;
every decisionRef has a table; every script, condition, timer expression and decision
entry uses only the language models may use (`app/engine/sandbox.py`: no imports, no
dunder attributes, no open/eval/getattr, nothing known to be too large); every timer
expression evaluates (with the organisation's working calendar); every status it sets is
a known status and the agency's identity and intake lanes are lanes of it
(app/services/modelling/agency_gate.py); the engine parses it; bpmnlint finds no error.
Messages are lazy strings: they are translated where they are shown.
"""
import ast
import re
from collections.abc import Set
from dataclasses import dataclass, field

from flask_babel import lazy_gettext as _l
from lxml import etree

from app.engine import ModelError
from app.engine.engine import parse_model_xml
from app.engine.sandbox import Violation, check
from app.engine.scripts import script_functions
from app.engine.timer_check import check_timer_expression
from app.extensions import db
from app.models import Organisation, Role
from app.services.definitions.forms import FormDefinitionError, check_definition
from app.services.definitions.processes import process_engine
from app.services.modelling.agency_gate import check_agency_lanes, check_statuses, report_lane_warnings
from app.services.modelling.bpmnlint import LintUnavailable, lint_bpmn, plain_words
from app.services.modelling.deadline_gate import check_deadline_timers
from app.services.organisation.calendar import calendar_for
from app.xml_safety import declares_doctype

BPMN = "{http://www.omg.org/spec/BPMN/20100524/MODEL}"
DMN_SUFFIX = "}decision"
CAMUNDA = "{http://camunda.org/schema/1.0/bpmn}"
TIMER_KINDS = ("timeDate", "timeDuration", "timeCycle")
FUNCTION_NAMES = frozenset(script_functions())
# SpiffWorkflow's own rule for `?` in an input entry: the input, outside quotes.
_QUESTION_MARK = re.compile(r"(\?)(?=(?:[^'\"]|['\"][^'\"]*['\"])*$)")


@dataclass(frozen=True)
class Problem:
    message: object  # a lazy string: str() it where it is shown
    element_id: str | None = None


@dataclass
class GateReport:
    problems: list[Problem] = field(default_factory=list)
    missing_roles: list[str] = field(default_factory=list)
    warnings: list[Problem] = field(default_factory=list)
    decision_refs: set[str] = field(default_factory=set)
    form_keys: set[str] = field(default_factory=set)

    @property
    def passed(self) -> bool:
        return not self.problems


class GateRefused(Exception):
    """The gate found problems; nothing was deployed."""

    def __init__(self, report: GateReport):
        super().__init__("; ".join(str(p.message) for p in report.problems))
        self.report = report


def refused(message, element_id: str | None = None) -> GateRefused:
    return GateRefused(GateReport(problems=[Problem(message, element_id)]))


def read_upload(raw: bytes, *, filename: str) -> str:
    """An uploaded model as text; raises GateRefused when it is not UTF-8."""
    try:
        return raw.decode("utf-8-sig")
    except UnicodeDecodeError:
        raise refused(_l("Berkas %(file)s bukan teks UTF-8; simpan ulang dari Camunda Modeler.", file=filename)) from None


def parse_safely(text: str, *, filename: str) -> etree._Element:
    """Parse a model only after refusing DOCTYPE/ENTITY (external entities, entity bombs);
    the engine's parser applies the same check again."""
    if declares_doctype(text):
        raise refused(_l(
            "Berkas %(file)s ditolak: memuat deklarasi DOCTYPE/ENTITY, yang dapat dipakai untuk membaca berkas "
            "server atau membuat server kehabisan memori. Simpan ulang diagram dari Camunda Modeler.", file=filename))
    try:
        return parse_model_xml(text, filename=filename)
    except ModelError as exc:
        raise refused(_l("Berkas %(file)s bukan XML yang sah: %(detail)s", file=filename, detail=str(exc))) from None


def _label(element) -> str:
    name = " ".join((element.get("name") or "").split())
    return f"\u201c{name}\u201d ({element.get('id')})" if name else str(element.get("id"))


def _labels(root) -> dict[str, str]:
    return {el.get("id"): _label(el) for el in root.iter() if isinstance(el.tag, str) and el.get("id")}


def decision_ids_in(root) -> list[str]:
    return [el.get("id") for el in root.iter() if isinstance(el.tag, str) and el.tag.endswith(DMN_SUFFIX)]


def _data_variables(root, decision_roots, forms: dict) -> set[str]:
    """Names a case's data can hold: set by script tasks, decision outputs, forms, messages."""
    names: set[str] = set()
    for script in root.iter(f"{BPMN}script"):
        try:
            tree = ast.parse(script.text or "")
        except SyntaxError:
            continue
        names |= {n.id for n in ast.walk(tree) if isinstance(n, ast.Name) and isinstance(n.ctx, ast.Store)}
    for dmn in decision_roots:
        names |= {el.get("name") for el in dmn.iter() if isinstance(el.tag, str) and el.tag.endswith("}output")}
    for form in forms.values():
        names |= {f.get("name") for f in form.get("fields", [])}
    names |= {el.get("name") for el in root.iter(f"{BPMN}message")}
    # Every case holds when it was received and the owner's objection period (app/services/casework/cases.py).
    names |= {"diterima_pada", "masa_keberatan_hari"}
    return {n for n in names if n}


def _reason(violation: Violation):
    """What is wrong with a refused construct, in a process owner's words."""
    words = {
        "syntax": _l("tidak dapat dibaca (%(detail)s)", detail=violation.detail),
        "construct": _l("\u201c%(detail)s\u201d tidak boleh dipakai dalam model", detail=violation.detail),
        "private_name": _l("nama \u201c%(detail)s\u201d diawali garis bawah; nama seperti ini menjangkau bagian dalam "
                           "Python dan tidak boleh dipakai", detail=violation.detail),
        "forbidden_name": _l("fungsi \u201c%(detail)s\u201d tidak tersedia dalam model; yang tersedia hanya "
                             "tambah_hari_kerja, tambah_hari, tambah_jam dan fungsi data seperti len, int, str",
                             detail=violation.detail),
        "attribute": _l("\u201c.%(detail)s\u201d tidak boleh dipakai; yang boleh hanya metode data sederhana seperti "
                        ".get(), .lower(), .strip()", detail=violation.detail),
        "call": _l("\u201c%(detail)s\u201d bukan fungsi yang tersedia dalam model", detail=violation.detail),
        "format_width": _l("format \u201c%(detail)s\u201d terlalu lebar", detail=violation.detail),
        "too_large": _l("hasil \u201c%(detail)s\u201d terlalu besar", detail=violation.detail),
    }[violation.kind]
    if violation.line and violation.kind != "syntax":
        return _l("%(reason)s (baris %(line)d)", reason=words, line=violation.line)
    return words


_EXPRESSION_PLACES = (
    # (tag, how the engine reads it, message)
    ("script", "exec", lambda **words: _l("Skrip %(element)s ditolak: %(reason)s.", **words)),
    ("conditionExpression", "eval", lambda **words: _l("Kondisi %(element)s ditolak: %(reason)s.", **words)),
    ("condition", "eval", lambda **words: _l("Kondisi %(element)s ditolak: %(reason)s.", **words)),  # conditional events
    *((kind, "eval", lambda **words: _l("Timer %(element)s ditolak: %(reason)s.", **words)) for kind in TIMER_KINDS),
    ("loopCardinality", "eval", lambda **words: _l("Jumlah pengulangan %(element)s ditolak: %(reason)s.", **words)),
    ("completionCondition", "eval", lambda **words: _l("Syarat selesai %(element)s ditolak: %(reason)s.", **words)),
)


def check_expressions(root, labels) -> tuple[list[Problem], set[str]]:
    """Problems with the scripts, conditions and timer expressions of a diagram, and the
    ids of the elements refused (their timers are not evaluated)."""
    problems, refused_ids = [], set()
    for tag, mode, message in _EXPRESSION_PLACES:
        for node in root.iter(f"{BPMN}{tag}"):
            text = (node.text or "").strip()
            if not text:
                continue
            # The element the text belongs to: the task, the flow, or the timer's event.
            owner = node.getparent()
            while owner is not None and (owner.get("id") is None or owner.tag.endswith(
                    ("}timerEventDefinition", "}conditionalEventDefinition", "}multiInstanceLoopCharacteristics"))):
                owner = owner.getparent()
            owner_id = owner.get("id") if owner is not None else None
            violation = check(text, mode=mode, functions=FUNCTION_NAMES)
            if violation is not None and not (violation.kind == "syntax" and tag in TIMER_KINDS):
                problems.append(Problem(message(element=labels.get(owner_id or "", owner_id), reason=_reason(violation)),
                                        owner_id))
                if owner_id is not None:
                    refused_ids.add(owner_id)
    return problems, refused_ids


def _check_timers(root, labels, *, variables: set[str], calendar, skip: Set[str] = frozenset()) -> list[Problem]:
    problems = []
    for definition in root.iter(f"{BPMN}timerEventDefinition"):
        event = definition.getparent()
        if event.get("id") in skip:
            continue
        label = labels.get(event.get("id"), event.get("id"))
        expressions = [(child.tag.split("}")[1], (child.text or "").strip()) for child in definition
                       if isinstance(child.tag, str) and child.tag.split("}")[1] in TIMER_KINDS]
        if not expressions or not expressions[0][1]:
            problems.append(Problem(_l("Timer %(timer)s belum punya ekspresi waktu. Contoh: tambah_hari_kerja(5).",
                                       timer=label), event.get("id")))
            continue
        kind, expression = expressions[0]
        fault = check_timer_expression(timer_kind=kind, expression=expression, calendar=calendar, variables=variables)
        if fault is None:
            continue
        if fault.kind == "syntax":
            message = _l("Timer %(timer)s: ekspresi \u201c%(expr)s\u201d tidak dapat dibaca (%(detail)s).",
                         timer=label, expr=expression, detail=fault.detail)
        elif fault.kind == "unknown_name":
            message = _l("Timer %(timer)s: nama \u201c%(name)s\u201d tidak dikenal. Gunakan tambah_hari_kerja(n), "
                         "tambah_hari(n), tambah_jam(n) atau variabel yang diisi proses.", timer=label, name=fault.detail)
        elif fault.kind == "failed":
            message = _l("Timer %(timer)s: ekspresi \u201c%(expr)s\u201d gagal dihitung: %(detail)s",
                         timer=label, expr=expression, detail=fault.detail)
        elif kind == "timeDate":
            message = _l("Timer %(timer)s: ekspresi menghasilkan %(value)s, bukan tanggal dan jam ISO. "
                         "Contoh: tambah_hari_kerja(5).", timer=label, value=fault.detail)
        elif kind == "timeDuration":
            message = _l("Timer %(timer)s: ekspresi menghasilkan %(value)s, bukan durasi ISO. Contoh: \"P14D\".",
                         timer=label, value=fault.detail)
        else:
            message = _l("Timer %(timer)s: ekspresi menghasilkan %(value)s, bukan siklus ISO. Contoh: \"R3/P2D\".",
                         timer=label, value=fault.detail)
        problems.append(Problem(message, event.get("id")))
    return problems


def _organisation_code(process_key: str) -> str | None:
    return db.session.scalar(db.select(Organisation.code).where(Organisation.process_key == process_key))


def check_process(*, process_key: str, bpmn_xml: str, decision_files: dict[str, str], forms: dict[str, dict],
                  create_missing_roles: bool = False) -> GateReport:
    """Everything wrong with deploying this diagram with these tables and forms.

    `decision_files` may hold more tables than the diagram uses; `forms` is every form
    available (the report names the ones the diagram uses)."""
    report = GateReport()
    filename = f"{process_key}.bpmn"
    root = parse_safely(bpmn_xml, filename=filename)
    process_ids = [p.get("id", "") for p in root.iter(f"{BPMN}process")]
    if process_key not in process_ids:
        raise refused(_l("Diagram ini memuat proses %(found)s, bukan %(expected)s. Id proses harus tetap %(expected)s.",
                         found=", ".join(process_ids) or "-", expected=process_key))
    labels = _labels(root)
    decision_roots = {name: parse_safely(xml, filename=name) for name, xml in decision_files.items()}
    decisions = {d for dmn in decision_roots.values() for d in decision_ids_in(dmn)}

    lanes = _check_lanes(root, report, create_missing_roles=create_missing_roles)

    report.problems += [Problem(message, element_id) for message, element_id in
                        [*check_agency_lanes(process_key, lanes), *check_statuses(root, labels)]]
    report.warnings += [Problem(message, element_id) for message, element_id in report_lane_warnings(process_key, lanes)]

    _check_references(root, report, forms=forms, decisions=decisions)

    used_forms = {key: forms[key] for key in report.form_keys if key in forms}
    variables = _data_variables(root, decision_roots.values(), used_forms)
    expression_problems, refused_ids = check_expressions(root, labels)
    report.problems += expression_problems
    for name, dmn in decision_roots.items():
        if set(decision_ids_in(dmn)) & report.decision_refs:  # only the tables this diagram runs
            report.problems += check_decision_entries(dmn, filename=name)
    report.problems += _check_timers(root, labels, variables=variables, skip=refused_ids,
                                     calendar=calendar_for(_organisation_code(process_key)))
    report.problems += [Problem(message, element_id) for message, element_id
                        in check_deadline_timers(bpmn_xml, lanes=set(lanes), forms=forms)]

    _check_with_engine_and_lint(report, process_key=process_key, bpmn_xml=bpmn_xml, decision_files=decision_files,
                                labels=labels)
    return report


def _check_lanes(root, report: GateReport, *, create_missing_roles: bool) -> dict[str, str]:
    """The lanes by name (each a role of the staff who work in it); unnamed lanes, and
    lanes naming no role unless those are to be created, are problems."""
    lanes = {}
    for lane in root.iter(f"{BPMN}lane"):
        name = (lane.get("name") or "").strip()
        if not name:
            report.problems.append(Problem(_l("Jalur (lane) %(lane)s belum diberi nama; nama jalur adalah peran "
                                              "petugas yang mengerjakannya.", lane=lane.get("id")), lane.get("id")))
        else:
            lanes[name] = lane.get("id", "")
    known_roles = set(db.session.scalars(db.select(Role.name).where(Role.name.in_(list(lanes)))))
    report.missing_roles = sorted(set(lanes) - known_roles)
    if not create_missing_roles:
        for role in report.missing_roles:
            report.problems.append(Problem(_l(
                "Jalur \u201c%(lane)s\u201d belum menjadi peran petugas. Pilih \u201cBuat peran yang belum ada\u201d "
                "lalu simpan lagi, atau ganti nama jalur dengan peran yang sudah ada.", lane=role), lanes[role]))
    return lanes


def _check_references(root, report: GateReport, *, forms: dict[str, dict], decisions: set[str]) -> None:
    """The forms and decision tables the tasks name: each must exist, each form be usable."""
    for element in root.iter():
        if not isinstance(element.tag, str):
            continue
        form_key, decision_ref = element.get(f"{CAMUNDA}formKey"), element.get(f"{CAMUNDA}decisionRef")
        if form_key:
            report.form_keys.add(form_key)
            if form_key not in forms:
                report.problems.append(Problem(_l(
                    "Tugas %(task)s memakai formulir \u201c%(key)s\u201d yang belum ada. Buat formulirnya di samping "
                    "diagram, atau perbaiki Form key tugas ini.", task=_label(element), key=form_key), element.get("id")))
        if decision_ref:
            report.decision_refs.add(decision_ref)
            if decision_ref not in decisions:
                report.problems.append(Problem(_l(
                    "Tugas %(task)s memakai tabel keputusan \u201c%(ref)s\u201d yang belum ada. Perbaiki Decision "
                    "reference tugas ini atau buat tabelnya dulu.", task=_label(element), ref=decision_ref),
                    element.get("id")))
    for key in sorted(report.form_keys & forms.keys()):
        try:
            check_definition(forms[key], source=f"{key}.json")
        except FormDefinitionError as exc:
            report.problems.append(Problem(_l("Formulir %(key)s tidak dapat dipakai: %(detail)s", key=key,
                                              detail=str(exc))))


def _check_with_engine_and_lint(report: GateReport, *, process_key: str, bpmn_xml: str,
                                decision_files: dict[str, str], labels: dict[str, str]) -> None:
    """The engine's own parse (once nothing else is wrong) and bpmnlint's findings."""
    if not report.problems:
        try:
            process_engine().parse(process_id=process_key, bpmn_xml=bpmn_xml, decision_files=decision_files)
        except ModelError as exc:
            report.problems.append(Problem(_l("Mesin proses tidak dapat membaca diagram: %(detail)s", detail=str(exc))))
    try:
        findings = lint_bpmn(bpmn_xml)
    except LintUnavailable as exc:
        report.problems.append(Problem(_l("Pemeriksa diagram (bpmnlint) tidak dapat dijalankan: %(detail)s",
                                          detail=str(exc))))
        findings = []
    for finding in findings:
        target = labels.get(finding.element_id, finding.element_id)
        problem = Problem(_l("%(element)s: %(words)s", element=target, words=plain_words(finding)), finding.element_id)
        (report.problems if finding.level == "error" else report.warnings).append(problem)


def _dmn_violation(entry, text: str) -> Violation | None:
    """An entry checked as the DMN engine will run it: an input entry is compared with
    its input (`?` stands for it), or joined to it when it starts with an operator."""
    if not entry.tag.endswith("}inputEntry"):
        return check(text, mode="eval", functions=FUNCTION_NAMES)
    text = _QUESTION_MARK.sub("dmninputexpr", text)
    violation = check(text, mode="eval", functions=FUNCTION_NAMES)
    if violation is not None and violation.kind == "syntax":
        return check(f"dmninputexpr {text}", mode="eval", functions=FUNCTION_NAMES)
    return violation


def check_decision_entries(root, *, filename: str) -> list[Problem]:
    """DMN entries are Python here, not FEEL (ENGINE-NOTES): catch what would fail when a case runs."""
    problems = []
    labels = _labels(root)
    for expression in root.iter():
        if isinstance(expression.tag, str) and expression.tag.endswith("}inputExpression"):
            text = next((c.text or "" for c in expression if isinstance(c.tag, str) and c.tag.endswith("}text")), "")
            violation = check(text.strip(), mode="eval", functions=FUNCTION_NAMES) if text.strip() else None
            if violation is not None:
                column = expression.getparent()
                problems.append(Problem(_l("Tabel %(file)s, masukan %(input)s: ekspresi %(text)s ditolak: %(reason)s.",
                                           file=filename, input=labels.get(column.get("id"), column.get("id")),
                                           text=text.strip(), reason=_reason(violation)), column.get("id")))
    for entry in root.iter():
        if not isinstance(entry.tag, str) or not entry.tag.endswith(("}inputEntry", "}outputEntry")):
            continue
        text = next((c.text or "" for c in entry if isinstance(c.tag, str) and c.tag.endswith("}text")), "").strip()
        if not text or text == "-":
            continue
        rule = entry.getparent()
        where = labels.get(rule.get("id"), rule.get("id"))
        violation = _dmn_violation(entry, text)
        if violation is not None and violation.kind != "syntax":
            problems.append(Problem(_l("Tabel %(file)s, aturan %(rule)s: entri %(text)s ditolak: %(reason)s.",
                                       file=filename, rule=where, text=text, reason=_reason(violation)),
                                    rule.get("id")))
            continue
        names = set()
        try:
            names = {n.id for n in ast.walk(ast.parse(text, mode="eval")) if isinstance(n, ast.Name)}
        except SyntaxError:
            if entry.tag.endswith("}outputEntry"):
                problems.append(Problem(_l("Tabel %(file)s, aturan %(rule)s: keluaran %(text)s tidak dapat dibaca; "
                                           "tulis teks dengan tanda kutip ganda, mis. \"pengawasan\".",
                                           file=filename, rule=where, text=text), rule.get("id")))
        wrong = names & {"true", "false", "null"}
        if wrong:
            problems.append(Problem(_l("Tabel %(file)s, aturan %(rule)s: tulis True/False/None (huruf besar), "
                                       "bukan %(text)s.", file=filename, rule=where, text=", ".join(sorted(wrong))),
                                    rule.get("id")))
    return problems
