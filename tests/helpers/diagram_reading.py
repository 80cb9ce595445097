"""What a process owner reads in a shipped diagram, measured from its XML: how much of it
is deadline machinery, which names carry SOP step numbers, and where labels sit.

Deadline machinery (issue 14): reminder timers (`reminder` = true) and the elements that
only they reach; the elements only a non-interrupting boundary timer reaches (drawn
reminders, `Eskalasi: …` tasks, their end events, and a deadline timer's own "Lewat
batas" end); escalation tasks (form `eskalasi_tenggat`); a second deadline timer on a
task. A step's one deadline timer is the SOP's own standard time ("14 hari kerja"), not
machinery; an interrupting timer's path is the SOP's own rule for expiry.
"""
import re
from dataclasses import dataclass, field
from xml.etree import ElementTree

B = "{http://www.omg.org/spec/BPMN/20100524/MODEL}"
C = "{http://camunda.org/schema/1.0/bpmn}"
DI = "{http://www.omg.org/spec/BPMN/20100524/DI}"
DC = "{http://www.omg.org/spec/DD/20100524/DC}"
DDI = "{http://www.omg.org/spec/DD/20100524/DI}"
NODE_TAGS = {"task", "userTask", "serviceTask", "scriptTask", "businessRuleTask", "sendTask", "receiveTask",
             "manualTask", "callActivity", "subProcess", "startEvent", "endEvent", "intermediateCatchEvent",
             "intermediateThrowEvent", "boundaryEvent", "exclusiveGateway", "parallelGateway",
             "inclusiveGateway", "eventBasedGateway", "complexGateway"}
STEP_NUMBER = re.compile(r"^\s*\d+[a-z]?(–[a-z0-9]+\)?)?[.)/]")


@dataclass
class Diagram:
    nodes: dict = field(default_factory=dict)  # id -> (tag, name, element)
    flows: dict = field(default_factory=dict)  # id -> (source, target, name)
    shapes: dict = field(default_factory=dict)  # id -> (x, y, w, h)
    labels: dict = field(default_factory=dict)  # id -> (x, y, w, h), drawn label boxes
    edges: dict = field(default_factory=dict)  # flow id -> [(x, y)]
    attached: dict = field(default_factory=dict)  # boundary id -> task id


def properties(element) -> dict:
    return {p.get("name"): p.get("value") for p in element.iter(f"{C}property")}


def read(path) -> Diagram:
    root = ElementTree.parse(path).getroot()
    diagram = Diagram()
    for process in root.iter(f"{B}process"):
        for element in process.iter():
            tag = element.tag.rsplit("}", 1)[-1]
            if tag in NODE_TAGS:
                diagram.nodes[element.get("id")] = (tag, element.get("name") or "", element)
                if tag == "boundaryEvent":
                    diagram.attached[element.get("id")] = element.get("attachedToRef")
            elif tag == "sequenceFlow":
                diagram.flows[element.get("id")] = (element.get("sourceRef"), element.get("targetRef"),
                                                    element.get("name") or "")
    for shape in root.iter(f"{DI}BPMNShape"):
        bounds = shape.find(f"{DC}Bounds")
        if bounds is not None:
            diagram.shapes[shape.get("bpmnElement")] = _box(bounds)
        label = shape.find(f"{DI}BPMNLabel/{DC}Bounds")
        if label is not None:
            diagram.labels[shape.get("bpmnElement")] = _box(label)
    for edge in root.iter(f"{DI}BPMNEdge"):
        diagram.edges[edge.get("bpmnElement")] = [(float(w.get("x")), float(w.get("y")))
                                                  for w in edge.findall(f"{DDI}waypoint")]
        label = edge.find(f"{DI}BPMNLabel/{DC}Bounds")
        if label is not None:
            diagram.labels[edge.get("bpmnElement")] = _box(label)
    return diagram


def _box(bounds) -> tuple:
    return tuple(float(bounds.get(k)) for k in ("x", "y", "width", "height"))


def machinery(diagram: Diagram) -> set[str]:
    outgoing: dict[str, list[str]] = {}
    incoming: dict[str, list[str]] = {}
    for source, target, _ in diagram.flows.values():
        outgoing.setdefault(source, []).append(target)
        incoming.setdefault(target, []).append(source)
    found: set[str] = set()

    def only_reached_from(start: str) -> set[str]:
        reached, frontier = set(), list(outgoing.get(start, []))
        while frontier:
            node = frontier.pop()
            if node in reached or set(incoming.get(node, [])) - reached - {start}:
                continue
            reached.add(node)
            frontier += outgoing.get(node, [])
        return reached

    deadline_on: dict[str, int] = {}
    for node_id, (tag, _, element) in diagram.nodes.items():
        if tag == "boundaryEvent" and element.find(f"{B}timerEventDefinition") is not None:
            found |= _timer_machinery(diagram, node_id, element, deadline_on, only_reached_from)
        if element.get(f"{C}formKey") == "eskalasi_tenggat":
            found.add(node_id)
    return found


def _timer_machinery(diagram: Diagram, node_id: str, element, deadline_on: dict[str, int],
                     only_reached_from) -> set[str]:
    """What a boundary timer adds to the deadline machinery: a reminder with all it alone
    leads to, a second deadline on one task, and what a non-interrupting timer leads to."""
    props = properties(element)
    if props.get("reminder") == "true":
        return {node_id} | only_reached_from(node_id)
    found: set[str] = set()
    if props.get("deadline") == "true":
        deadline_on[diagram.attached[node_id]] = deadline_on.get(diagram.attached[node_id], 0) + 1
        if deadline_on[diagram.attached[node_id]] > 1:
            found.add(node_id)
    after = only_reached_from(node_id)
    if props.get("deadline") == "true" and ("step" in props or "remind_before" in props) and all(
            diagram.nodes[n][0] == "endEvent" for n in after) and len(after) <= 1:
        # The policy's timer is the step's drawn standard time; the one end event it
        # leads to ("Lewat batas") is there only because bpmnlint's recommended rules
        # (no-disconnected, no-implicit-end) refuse a boundary event leading nowhere:
        # counted with its timer, not as machinery.
        return found
    if element.get("cancelActivity") == "false":
        found |= after
    return found


def plumbing_ratio(diagram: Diagram) -> float:
    return len(machinery(diagram)) / len(diagram.nodes)


def numbered(name: str) -> bool:
    return bool(STEP_NUMBER.match(name or ""))


# -- labels ------------------------------------------------------------------------------

def _default_label(diagram: Diagram, node_id: str) -> tuple | None:
    """Where bpmn-js puts an event's or gateway's label that the file does not place:
    centred under the shape, 90 px wide."""
    tag, name, _ = diagram.nodes[node_id]
    if not name or node_id not in diagram.shapes or "Task" in tag or tag in ("task", "subProcess", "callActivity"):
        return None
    x, y, w, h = diagram.shapes[node_id]
    lines = max(1, len(name) // 18 + 1)
    return (x + w / 2 - 45, y + h + 5, 90, 14 * lines)


def label_boxes(diagram: Diagram) -> dict:
    boxes = {}
    for node_id, (tag, name, _) in diagram.nodes.items():
        if not name or "Task" in tag or tag in ("task", "subProcess", "callActivity"):
            continue  # a task's name is written inside it
        box = diagram.labels.get(node_id) or _default_label(diagram, node_id)
        if box:
            boxes[node_id] = box
    for flow_id, (_, _, name) in diagram.flows.items():
        if name and flow_id in diagram.labels:
            boxes[flow_id] = diagram.labels[flow_id]
    return boxes


def _overlap(a, b, margin=1.0) -> bool:
    return (a[0] + margin < b[0] + b[2] and b[0] + margin < a[0] + a[2]
            and a[1] + margin < b[1] + b[3] and b[1] + margin < a[1] + a[3])


def _segment_hits(p, q, box, shrink=2.0) -> bool:
    x0, y0, x1, y1 = box[0] + shrink, box[1] + shrink, box[0] + box[2] - shrink, box[1] + box[3] - shrink
    if x1 <= x0 or y1 <= y0:
        return False
    t0, t1 = 0.0, 1.0
    dx, dy = q[0] - p[0], q[1] - p[1]
    for pk, qk in ((-dx, p[0] - x0), (dx, x1 - p[0]), (-dy, p[1] - y0), (dy, y1 - p[1])):
        if pk == 0:
            if qk < 0:
                return False
        else:
            t = qk / pk
            if pk < 0:
                t0 = max(t0, t)
            else:
                t1 = min(t1, t)
            if t0 > t1:
                return False
    return True


def label_findings(diagram: Diagram) -> list[str]:
    """Labels covered by a shape (a boundary event included), crossed by a flow, or on
    another label: what check-bpmn-layout does not look at."""
    findings = []
    boxes = label_boxes(diagram)
    names = {**{k: v[1] for k, v in diagram.nodes.items()}, **{k: v[2] for k, v in diagram.flows.items()}}
    for owner, box in boxes.items():
        for node_id, shape in diagram.shapes.items():
            if node_id == owner or node_id not in diagram.nodes:
                continue
            if _overlap(box, shape):
                findings.append(f"label of {owner} '{names[owner]}' is covered by {node_id}")
        for flow_id, points in diagram.edges.items():
            if flow_id == owner or flow_id not in diagram.flows:
                continue
            if any(_segment_hits(p, q, box) for p, q in zip(points, points[1:], strict=False)):
                findings.append(f"label of {owner} '{names[owner]}' is crossed by flow {flow_id}")
    owners = list(boxes)
    for i, a in enumerate(owners):
        for b in owners[i + 1:]:
            if _overlap(boxes[a], boxes[b]):
                findings.append(f"labels of {a} and {b} overlap")
    return findings


def label_words(diagram: Diagram) -> list[str]:
    """Names that read as code: snake_case words, or internal prefixes such as "JW"."""
    bad = []
    for element_id, name in [(k, v[1]) for k, v in diagram.nodes.items()] + [(k, v[2]) for k, v in
                                                                             diagram.flows.items()]:
        if re.search(r"\b[a-z]+_[a-z_]+\b", name) or re.match(r"^\s*JW\b", name):
            bad.append(f"{element_id}: {name!r}")
    return bad
