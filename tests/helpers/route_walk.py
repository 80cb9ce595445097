"""Walk every route of every deployed SOP through the service layer, generically: the
answers of each walk come from the models themselves, one walk per rule of each decision
table (its input entries as answers) and one per literal a gateway condition tests
(`lengkap == False`, `not kewenangan`). Every other field is filled as a clerk would
(text, the first option, today); a case waiting on a timer or the complainant has the
timer run out. Used by tests/integration/test_readable_values.py."""
import re
from datetime import date, datetime, timedelta, timezone
from xml.etree import ElementTree

from app.extensions import db
from app.models import Case, Organisation, OrgUnit, ProcessVersion
from app.services.casework.cases import claim_task, complete_task, start_case, unclaim_task
from app.services.casework.events import move_deadline
from app.services.casework.timers import fire_case_timers
from app.services.definitions.processes import version_forms
from app.services.definitions.references import forwarded_cases
from app.services.intake.complaints import Upload, submit_complaint
from tests.helpers.complaints import COMPLAINANT, PDF

_LITERAL = r'(True|False|"[^"]*"|\'[^\']*\')'


def _literal(text: str):
    text = text.strip()
    if text in ("True", "False"):
        return text == "True"
    return text[1:-1]


def answer_sets(version: ProcessVersion) -> list[dict]:
    """One dict of answers per decision rule and per literal a gateway tests."""
    sets: list[dict] = [{}]
    for xml in (version.decision_files or {}).values():
        root = ElementTree.fromstring(xml)
        strip = re.compile(r"\{[^}]+\}")
        tables = [e for e in root.iter() if strip.sub("", e.tag) == "decisionTable"]
        for table in tables:
            inputs = [next(t.text.strip() for t in i.iter() if strip.sub("", t.tag) == "text")
                      for i in table if strip.sub("", i.tag) == "input"]
            for rule in (r for r in table if strip.sub("", r.tag) == "rule"):
                entries = [next(t.text or "" for t in e.iter() if strip.sub("", t.tag) == "text")
                           for e in rule if strip.sub("", e.tag) == "inputEntry"]
                answers = {}
                for name, entry in zip(inputs, entries, strict=True):
                    entry = entry.strip()
                    found = re.fullmatch(_LITERAL, entry) or re.match(r'\?\s+in\s+\(\s*' + _LITERAL, entry)
                    if name.isidentifier() and found:
                        answers[name] = _literal(found.group(1))
                sets.append(answers)
    for condition in re.findall(r"<bpmn:conditionExpression[^>]*>([^<]+)<", version.bpmn_xml):
        condition = condition.replace("&quot;", '"')
        for name, value in re.findall(r"(\w+)\s*==\s*" + _LITERAL, condition):
            sets.append({name: _literal(value)})
        for name in re.findall(r"\bnot\s+(\w+)\b", condition):
            sets.append({name: False})
    unique = []
    for answers in sets:
        if answers not in unique:
            unique.append(answers)
    return unique


def _value(field: dict, answers: dict, organisation: str | None):
    name, kind = field["name"], field["type"]
    if name in answers:
        value = answers[name]
        return [value] if kind == "multichoice" and not isinstance(value, list) else value
    if kind == "boolean":
        return True
    if kind == "choice":
        return field["options"][0]["value"]
    if kind == "multichoice":
        return [field["options"][0]["value"]]
    if kind == "date":
        return date.today().isoformat()
    if kind == "integer":
        return 2
    if kind == "unit":
        return db.session.scalars(db.select(OrgUnit.code).where(OrgUnit.organisation == organisation)
                                  .order_by(OrgUnit.name)).first()
    if kind == "organisation":
        return "ombudsman"
    if kind == "forwarded_cases":  # SOP 004 monitors its own organisation's forwarded cases
        return [str(_forwarded_case_of(organisation))]
    return f"Isian {name} (uji rute)"


def _forwarded_case_of(organisation: str | None) -> int:
    """A case of `organisation` forwarded to another agency. The planner is offered only
    its own organisation's; Setneg's complaint handling does not run here, so a SOP 000
    complaint filed under it is walked to its "not ours" end (as tests/processes/test_sop_004.py)."""
    found = forwarded_cases(organisation_code=organisation)
    if found:
        return found[-1].case.id
    case = start_case(process_key="sop_000", data={"jenis": "pengaduan"}, title="Di luar kewenangan (uji rute)",
                      actor="pengadu")
    case.organisation_code = organisation
    db.session.commit()
    walk(case, {"lengkap": True, "logis": True, "berkadar_pengawasan": True, "kewenangan": False},
         organisation=organisation, extras=False)
    [forwarded] = forwarded_cases(organisation_code=organisation)
    return forwarded.case.id


def start(version: ProcessVersion, organisation: str | None, *, evidence: bytes = PDF) -> Case:
    if organisation is None:  # a staff-started process (SOP 004), in the organisation that runs it
        case = start_case(process_key=version.definition.key, data={}, title="Pemantauan uji rute", actor="perencana")
        case.organisation_code = db.session.scalars(db.select(Organisation.code).where(
            Organisation.process_key == version.definition.key)).first()
        db.session.commit()
        return case
    case, _ = submit_complaint(raw={**COMPLAINANT, "instansi": organisation}, uploads=[Upload("bukti.pdf", evidence)])
    return case


def walk(case: Case, answers: dict, *, organisation: str | None, extras: bool, limit: int = 40) -> Case:
    """Complete tasks with `answers` until the case ends (or `limit` steps). `extras` adds
    a claim, a release and a moved deadline, so the trail holds those events too."""
    for step in range(limit):
        db.session.expire_all()
        case = db.session.get(Case, case.id)
        if case.completed:
            break
        if not case.tasks:
            if case.timer is None:
                break
            move_deadline(case_id=case.id, element_id=case.timer.element_id,
                          due_at=datetime.now(timezone.utc) - timedelta(minutes=1),
                          reason="Uji: waktunya lewat.", actor="uji")
            fire_case_timers(case_id=case.id)
            continue
        task = case.tasks[0]
        if extras and step == 1:
            claim_task(task_id=task.engine_task_id, actor="petugas")
            unclaim_task(task_id=task.engine_task_id, actor="petugas")
            if task.deadline_element:
                move_deadline(case_id=case.id, element_id=task.deadline_element,
                              due_at=datetime.now(timezone.utc) + timedelta(days=20),
                              reason="Menunggu keterangan saksi", actor="kepala")
        form = version_forms(case.process_version).get(task.form_key) or {"fields": []}
        data = {f["name"]: _value(f, answers, organisation) for f in form["fields"]}
        complete_task(task_id=task.engine_task_id, data=data, actor="petugas")
    db.session.expire_all()
    return db.session.get(Case, case.id)
