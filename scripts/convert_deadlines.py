"""One-off conversion of a diagram to the deadline policy (issue 14, item 1).

Removes the drawn deadline machinery: reminder boundary timers (`reminder` = true) and
what follows them, and what follows a deadline timer (the `Eskalasi: …` task and its end
event), with their flows, lane references and diagram shapes. The deadline timer itself
stays, with the properties the policy reads (app/services/definitions/deadline_timers.py): `step`
(from the task's name), `remind_before` (from the removed reminder's name), and
`escalate_to` when the removed escalation stood in another lane than `extend_role`.

    .venv/bin/python scripts/convert_deadlines.py bpmn/sop_003.bpmn   # rewrites it in place
"""
import re
import sys

from lxml import etree

B = "http://www.omg.org/spec/BPMN/20100524/MODEL"
C = "http://camunda.org/schema/1.0/bpmn"
DI = "http://www.omg.org/spec/BPMN/20100524/DI"
NS = {"bpmn": B, "camunda": C, "bpmndi": DI}


def props(element) -> dict:
    return {p.get("name"): p for p in element.iterfind(".//camunda:property", NS)}


def remove(element) -> None:
    """Remove an element, keeping the indentation of what follows it."""
    parent = element.getparent()
    previous = element.getprevious()
    if element.tail is not None:
        if previous is not None:
            previous.tail = element.tail
        else:
            parent.text = element.tail
    parent.remove(element)


def lead_of(name: str) -> str:
    match = re.match(r"\s*(\d+)\s*(hari|jam|menit)", name or "")
    if not match:
        return "2"
    number, unit = match.groups()
    return number if unit == "hari" else f"PT{number}{'H' if unit == 'jam' else 'M'}"


def set_property(element, name: str, value: str) -> None:
    existing = props(element)
    if name in existing:
        existing[name].set("value", value)
        return
    container = element.find("bpmn:extensionElements/camunda:properties", NS)
    last = container[-1]
    prop = etree.SubElement(container, f"{{{C}}}property", name=name, value=value)
    prop.tail, last.tail = last.tail, container.text


DC = "http://www.omg.org/spec/DD/20100524/DC"
DDI = "http://www.omg.org/spec/DD/20100524/DI"


def _add_sink(root, process, event, lanes) -> None:
    """bpmnlint wants every timer connected: the deadline timer ends in a small unnamed
    end event just below it (the policy, not the diagram, says what happens next)."""
    timer_id = event.get("id")
    end_id, flow_id = f"ev_{timer_id}_lewat", f"alur_{timer_id}_lewat"
    indent = event.tail
    outgoing = etree.Element(f"{{{B}}}outgoing")
    outgoing.text = flow_id
    definition = event.find("bpmn:timerEventDefinition", NS)
    definition.addprevious(outgoing)
    outgoing.tail = definition.getprevious().getprevious().tail if outgoing.getprevious() is not None else "\n"
    end = etree.Element(f"{{{B}}}endEvent", id=end_id, name="Lewat batas")
    incoming = etree.SubElement(end, f"{{{B}}}incoming")
    incoming.text = flow_id
    end.text, incoming.tail = indent + "  ", indent
    flow = etree.Element(f"{{{B}}}sequenceFlow", id=flow_id, sourceRef=timer_id, targetRef=end_id)
    event.addnext(end)
    end.tail = indent
    end.addnext(flow)
    flow.tail = indent
    lane = lanes.get(timer_id)
    if lane is not None:
        refs = [r for r in lane.iterfind("bpmn:flowNodeRef", NS) if r.text.strip() == timer_id]
        ref = etree.Element(f"{{{B}}}flowNodeRef")
        ref.text = end_id
        refs[0].addnext(ref)
        ref.tail = refs[0].tail
    shape = next(s for s in root.iter(f"{{{DI}}}BPMNShape") if s.get("bpmnElement") == timer_id)
    bounds = shape.find(f"{{{DC}}}Bounds")
    x, y = float(bounds.get("x")), float(bounds.get("y"))
    task_shape = next(s for s in root.iter(f"{{{DI}}}BPMNShape") if s.get("bpmnElement") == event.get("attachedToRef"))
    task_bounds = task_shape.find(f"{{{DC}}}Bounds")
    above = y + 18 < float(task_bounds.get("y")) + float(task_bounds.get("height")) / 2  # on the top edge
    cx = x + 18
    top = y - 44 if above else y + 56
    new_shape = etree.Element(f"{{{DI}}}BPMNShape", id=f"{end_id}_di", bpmnElement=end_id)
    etree.SubElement(new_shape, f"{{{DC}}}Bounds", x=f"{cx - 12:g}", y=f"{top:g}", width="24", height="24")
    label = etree.SubElement(new_shape, f"{{{DI}}}BPMNLabel")
    etree.SubElement(label, f"{{{DC}}}Bounds", x=f"{cx + 16:g}", y=f"{top + 5:g}", width="60", height="14")
    edge = etree.Element(f"{{{DI}}}BPMNEdge", id=f"{flow_id}_di", bpmnElement=flow_id)
    etree.SubElement(edge, f"{{{DDI}}}waypoint", x=f"{cx:g}", y=f"{y if above else y + 36:g}")
    etree.SubElement(edge, f"{{{DDI}}}waypoint", x=f"{cx:g}", y=f"{top + 24 if above else top:g}")
    shape.addnext(new_shape)
    new_shape.tail = shape.tail
    new_shape.addnext(edge)
    edge.tail = shape.tail


def convert(path: str) -> None:
    tree = etree.parse(path)
    root = tree.getroot()
    process = root.find("bpmn:process", NS)
    by_id = {e.get("id"): e for e in process.iter() if e.get("id")}
    flows = {f.get("id"): f for f in process.iterfind("bpmn:sequenceFlow", NS)}
    incoming = {}
    outgoing = {}
    for flow in flows.values():
        outgoing.setdefault(flow.get("sourceRef"), []).append(flow)
        incoming.setdefault(flow.get("targetRef"), []).append(flow)
    lanes = {ref.text.strip(): lane for lane in process.iterfind(".//bpmn:lane", NS)
             for ref in lane.iterfind("bpmn:flowNodeRef", NS)}
    doomed: set[str] = set()

    def downstream(start: str) -> set[str]:
        found = set()
        frontier = [f.get("targetRef") for f in outgoing.get(start, [])]
        while frontier:
            node = frontier.pop()
            if node in found:
                continue
            sources = {f.get("sourceRef") for f in incoming.get(node, [])}
            if sources - found - {start}:
                continue  # joins the SOP's own flow: stays
            found.add(node)
            frontier += [f.get("targetRef") for f in outgoing.get(node, [])]
        return found

    leads = {}
    sinks = []
    for event in process.iterfind("bpmn:boundaryEvent", NS):
        p = props(event)
        if "reminder" in p and p["reminder"].get("value") == "true":
            leads[event.get("attachedToRef")] = lead_of(event.get("name"))
            doomed |= {event.get("id")} | downstream(event.get("id"))
    for event in process.iterfind("bpmn:boundaryEvent", NS):
        p = props(event)
        if not ("deadline" in p and p["deadline"].get("value") == "true"):
            continue
        after = downstream(event.get("id")) if event.get("cancelActivity") == "false" else set()
        escalation_lanes = {lanes[n].get("name") for n in after
                            if by_id[n].tag == f"{{{B}}}userTask" and n in lanes}
        doomed |= after
        task = by_id[event.get("attachedToRef")]
        number = re.match(r"\s*(\d+[a-z]?\d*)", task.get("name") or "")
        if number:
            set_property(event, "step", number.group(1))
        set_property(event, "remind_before", leads.get(event.get("attachedToRef"), "0"))
        extend = p["extend_role"].get("value") if "extend_role" in p else None
        if escalation_lanes and escalation_lanes != {extend}:
            set_property(event, "escalate_to", sorted(escalation_lanes)[0])
        for out in event.iterfind("bpmn:outgoing", NS):
            remove(out)
        sinks.append(event)
    dead_flows = {fid for fid, f in flows.items() if f.get("sourceRef") in doomed or f.get("targetRef") in doomed}
    for node in process.iter():
        if node.tag in (f"{{{B}}}incoming", f"{{{B}}}outgoing") and node.text in dead_flows:
            remove(node)
    for fid in dead_flows:
        remove(flows[fid])
    for nid in doomed:
        remove(by_id[nid])
    for ref in list(process.iterfind(".//bpmn:flowNodeRef", NS)):
        if ref.text.strip() in doomed:
            remove(ref)
    for shape in list(root.iter(f"{{{DI}}}BPMNShape", f"{{{DI}}}BPMNEdge")):
        if shape.get("bpmnElement") in doomed | dead_flows:
            remove(shape)
    for event in sinks:
        _add_sink(root, process, event, lanes)
    text = etree.tostring(tree, xml_declaration=True, encoding="UTF-8").decode("utf-8")
    text = text.replace("<?xml version='1.0' encoding='UTF-8'?>", '<?xml version="1.0" encoding="UTF-8"?>')
    with open(path, "w", encoding="utf-8") as out:
        out.write(re.sub(r'"/>', '" />', text) + ("" if text.endswith("\n") else "\n"))
    print(f"{path}: removed {len(doomed)} elements and {len(dead_flows)} flows")


if __name__ == "__main__":
    for argument in sys.argv[1:]:
        convert(argument)
