"""What changed between two versions of a process: diagram elements, decision rules, forms.

Elements are matched by id (bpmn-js and the Camunda Modeler keep ids when an element is
edited). Each element is reduced to a flat set of facts — type, name, attributes,
extension properties, incoming and outgoing flows, lane, and the text of what it holds
(a timer's duration, a flow's condition) — and two versions are compared fact by fact.
Diagram layout (BPMNDI) is left out: moving a shape changes no behaviour.
"""
import json
from dataclasses import dataclass, field

from lxml import etree

from app.engine.engine import parse_model_xml
from app.models import ProcessVersion

_NAMESPACES = {
    "http://www.omg.org/spec/BPMN/20100524/MODEL": "bpmn",
    "http://camunda.org/schema/1.0/bpmn": "camunda",
    "http://camunda.org/schema/1.0/dmn": "camunda",
    "https://www.omg.org/spec/DMN/20191111/MODEL/": "dmn",
    "http://www.omg.org/spec/DMN/20180521/MODEL/": "dmn",
    "http://www.w3.org/2001/XMLSchema-instance": "xsi",
}
_LAYOUT_NAMESPACES = (
    "http://www.omg.org/spec/BPMN/20100524/DI",
    "http://www.omg.org/spec/DD/20100524/DC",
    "http://www.omg.org/spec/DD/20100524/DI",
    "https://www.omg.org/spec/DMN/20191111/DMNDI/",
    "http://www.omg.org/spec/DMN/20180521/DMNDI/",
)
# Children folded into their element's facts rather than listed on their own.
_OWN_FACTS = {"extensionElements", "incoming", "outgoing", "flowNodeRef"}


@dataclass(frozen=True)
class FieldChange:
    field: str
    before: str | None
    after: str | None


@dataclass
class ElementChange:
    element_id: str
    kind: str  # "added" | "removed" | "changed"
    type: str
    name: str
    changes: list[FieldChange] = field(default_factory=list)


@dataclass
class ModelChange:
    """A decision table (by file and decision id) or a form (by key) that differs."""

    key: str
    kind: str
    items: list[ElementChange] = field(default_factory=list)  # rules, inputs, fields


@dataclass
class VersionDiff:
    elements: list[ElementChange]
    decisions: list[ModelChange]
    forms: list[ModelChange]

    @property
    def empty(self) -> bool:
        return not (self.elements or self.decisions or self.forms)

    def marker_ids(self) -> dict[str, list[str]]:
        """Element ids to highlight, by kind: removed ones on the old diagram, added ones
        on the new, changed ones on both."""
        return {kind: [c.element_id for c in self.elements if c.kind == kind] for kind in ("added", "removed", "changed")}


def _qname(tag: str) -> str:
    if tag.startswith("{"):
        namespace, local = tag[1:].split("}", 1)
        prefix = _NAMESPACES.get(namespace)
        return f"{prefix}:{local}" if prefix else local
    return tag


def _local(tag) -> str:
    return etree.QName(tag).localname if isinstance(tag, str) else ""


def _is_layout(element) -> bool:
    return isinstance(element.tag, str) and etree.QName(element.tag).namespace in _LAYOUT_NAMESPACES


def _is_tracked(element) -> bool:
    """Elements listed on their own: anything with an id except event definitions, which
    belong to their event, and layout."""
    return (
        isinstance(element.tag, str)
        and element.get("id") is not None
        and not _local(element.tag).endswith("EventDefinition")
        and not _is_layout(element)
    )


def _text(element) -> str:
    return " ".join((element.text or "").split())


def _attributes(element) -> dict[str, str]:
    return {_qname(k): v for k, v in sorted(element.attrib.items()) if k not in ("id", "name")}


def _held_facts(element, path: str, facts: dict[str, str], *, all_children: bool = False) -> None:
    """Facts from what an element holds that is not listed on its own (or, with
    `all_children`, everything it holds: a DMN column's expression has an id too)."""
    seen: dict[str, int] = {}
    for child in element:
        if not isinstance(child.tag, str) or (_is_tracked(child) and not all_children) or _is_layout(child):
            continue
        local = _local(child.tag)
        if local in _OWN_FACTS:
            continue
        seen[local] = seen.get(local, 0) + 1
        child_path = f"{path}{local}" + (f"[{seen[local]}]" if seen[local] > 1 else "")
        if _text(child):
            facts[child_path] = _text(child)
        for name, value in _attributes(child).items():
            facts[f"{child_path}@{name}"] = value
        if child.get("name") is not None:
            facts[f"{child_path}@name"] = child.get("name")
        _held_facts(child, f"{child_path}/", facts, all_children=all_children)


def _extension_facts(element, facts: dict[str, str]) -> None:
    for extensions in element:
        if _local(extensions.tag) != "extensionElements":
            continue
        for node in extensions.iter():
            if node is extensions or not isinstance(node.tag, str):
                continue
            if _local(node.tag) == "property" and node.get("name") is not None:
                facts[f"properti {node.get('name')}"] = node.get("value", _text(node))
            elif _local(node.tag) != "properties":
                key = f"ekstensi {_qname(node.tag)}" + (f"[{node.get('name')}]" if node.get("name") else "")
                value = " ".join(f"{k}={v}" for k, v in _attributes(node).items())
                facts[key] = " ".join(filter(None, [value, _text(node)]))


def _element_facts(root) -> dict[str, tuple[str, str, dict[str, str]]]:
    """{id: (type, name, facts)} for every listed element of a BPMN or DMN document."""
    flows_in: dict[str, list[str]] = {}
    flows_out: dict[str, list[str]] = {}
    lane_of: dict[str, str] = {}
    for node in root.iter():
        local = _local(node.tag)
        if local == "sequenceFlow":
            flows_out.setdefault(node.get("sourceRef"), []).append(node.get("id"))
            flows_in.setdefault(node.get("targetRef"), []).append(node.get("id"))
        elif local == "flowNodeRef" and node.getparent() is not None:
            lane_of[_text(node)] = node.getparent().get("name") or node.getparent().get("id")
    result = {}
    for node in root.iter():
        if not _is_tracked(node):
            continue
        element_id = node.get("id")
        facts = {"jenis": _local(node.tag)}
        facts.update({f"atribut {k}": v for k, v in _attributes(node).items()})
        _extension_facts(node, facts)
        _held_facts(node, "", facts)
        if element_id in flows_in:
            facts["alur masuk"] = ", ".join(sorted(flows_in[element_id]))
        if element_id in flows_out:
            facts["alur keluar"] = ", ".join(sorted(flows_out[element_id]))
        if element_id in lane_of:
            facts["lajur"] = lane_of[element_id]
        if node.get("name") is not None:
            facts["nama"] = node.get("name")
        result[element_id] = (_local(node.tag), node.get("name") or "", facts)
    return result


def _compare(old: dict, new: dict) -> list[ElementChange]:
    changes = []
    for element_id in sorted(old.keys() | new.keys()):
        if element_id not in new:
            type_, name, _facts = old[element_id]
            changes.append(ElementChange(element_id, "removed", type_, name))
        elif element_id not in old:
            type_, name, _facts = new[element_id]
            changes.append(ElementChange(element_id, "added", type_, name))
        else:
            (_t, _n, before), (type_, name, after) = old[element_id], new[element_id]
            fields = [
                FieldChange(key, before.get(key), after.get(key))
                for key in sorted(before.keys() | after.keys())
                if before.get(key) != after.get(key)
            ]
            if fields:
                changes.append(ElementChange(element_id, "changed", type_, name, fields))
    return changes


def diff_bpmn(old_xml: str, new_xml: str) -> list[ElementChange]:
    return _compare(
        _element_facts(parse_model_xml(old_xml, filename="lama.bpmn")),
        _element_facts(parse_model_xml(new_xml, filename="baru.bpmn")),
    )


def diff_decision_files(old: dict[str, str], new: dict[str, str]) -> list[ModelChange]:
    """Per table file: added, removed, or its changed decisions, inputs, outputs and rules."""
    result = []
    for filename in sorted(old.keys() | new.keys()):
        if filename not in new:
            result.append(ModelChange(filename, "removed"))
        elif filename not in old:
            result.append(ModelChange(filename, "added"))
        elif old[filename] != new[filename]:
            items = _compare(
                _decision_facts(parse_model_xml(old[filename], filename=filename)),
                _decision_facts(parse_model_xml(new[filename], filename=filename)),
            )
            result.append(ModelChange(filename, "changed", items))
    return result


def _decision_facts(root) -> dict[str, tuple[str, str, dict[str, str]]]:
    """{id: (type, name, facts)} for each decision, input, output and rule of a DMN file;
    a rule's facts are its entries named by their column's label."""
    result = {}
    for decision in (n for n in root.iter() if _local(n.tag) == "decision"):
        table = next((n for n in decision.iter() if _local(n.tag) == "decisionTable"), None)
        facts = {"nama": decision.get("name", "")}
        if table is None:
            result[decision.get("id")] = ("decision", decision.get("name", ""), facts)
            continue
        facts.update({f"atribut {k}": v for k, v in _attributes(table).items()})
        result[decision.get("id")] = ("decision", decision.get("name", ""), facts)
        columns: dict[str, list] = {"input": [], "output": []}
        for column in table:
            kind = _local(column.tag)
            if kind not in columns:
                continue
            label = column.get("label") or column.get("name") or column.get("id")
            columns[kind].append(label)
            column_facts = {"label": label, **{f"atribut {k}": v for k, v in _attributes(column).items()}}
            if column.get("name") is not None:
                column_facts["atribut name"] = column.get("name")
            _held_facts(column, "", column_facts, all_children=True)
            result[column.get("id") or f"{decision.get('id')}:{kind}:{label}"] = (kind, label, column_facts)
        for position, rule in enumerate(n for n in table if _local(n.tag) == "rule"):
            rule_facts = {"urutan": str(position + 1)}
            entries = {"inputEntry": iter(columns["input"]), "outputEntry": iter(columns["output"])}
            for entry in rule:
                local = _local(entry.tag)
                if local in entries:
                    prefix = "masukan" if local == "inputEntry" else "keluaran"
                    text = " ".join(_text(t) for t in entry if _local(t.tag) == "text") or _text(entry)
                    rule_facts[f"{prefix} {next(entries[local], '?')}"] = text
                elif local == "description":
                    rule_facts["keterangan"] = _text(entry)
            rule_id = rule.get("id") or f"{decision.get('id')}:aturan {position + 1}"
            result[rule_id] = ("rule", rule.get("id") or "", rule_facts)
    return result


def _form_fields(form: dict) -> dict[str, tuple[str, str, dict[str, str]]]:
    fields = {}
    for position, spec in enumerate(form.get("fields", [])):
        name = spec.get("name", f"#{position}")
        label = spec.get("label", {})
        facts = {key: json.dumps(value, ensure_ascii=False, sort_keys=True) for key, value in spec.items()}
        facts["urutan"] = str(position + 1)
        fields[name] = (spec.get("type", ""), label.get("id", "") if isinstance(label, dict) else str(label), facts)
    return fields


def diff_forms(old: dict[str, dict], new: dict[str, dict]) -> list[ModelChange]:
    result = []
    for key in sorted(old.keys() | new.keys()):
        if key not in new:
            result.append(ModelChange(key, "removed"))
        elif key not in old:
            result.append(ModelChange(key, "added"))
        elif old[key] != new[key]:
            items = _compare(_form_fields(old[key]), _form_fields(new[key]))
            rest_before = {k: v for k, v in old[key].items() if k != "fields"}
            rest_after = {k: v for k, v in new[key].items() if k != "fields"}
            if rest_before != rest_after:
                items.insert(0, ElementChange(key, "changed", "form", key, [
                    FieldChange(k, json.dumps(rest_before.get(k), ensure_ascii=False, sort_keys=True),
                                json.dumps(rest_after.get(k), ensure_ascii=False, sort_keys=True))
                    for k in sorted(rest_before.keys() | rest_after.keys()) if rest_before.get(k) != rest_after.get(k)
                ]))
            result.append(ModelChange(key, "changed", items))
    return result


def diff_versions(old: ProcessVersion, new: ProcessVersion) -> VersionDiff:
    return VersionDiff(
        elements=diff_bpmn(old.bpmn_xml, new.bpmn_xml),
        decisions=diff_decision_files(old.decision_files or {}, new.decision_files or {}),
        forms=diff_forms(old.forms or {}, new.forms or {}),
    )
