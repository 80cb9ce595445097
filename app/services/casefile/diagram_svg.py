"""An SOP diagram drawn as SVG from its BPMN diagram interchange (BPMNDI), with the path
a case took highlighted: what the printed case file (app/services/casefile/case_pdf.py) shows.

Only what the diagrams use is drawn: pools and lanes, tasks, events (boundary timers
included), gateways and sequence flows, with the hand-placed layout of the BPMNDI
shapes and edges. Arrowheads and text lines are plain polygons and <text> elements so
that any SVG renderer (WeasyPrint's included) draws the same picture.

The XML comes from our own deployed versions, but it is parsed as untrusted anyway, with
the deploy gate's parser (app/xml_safety.py): a document type declaration (where entity
expansion attacks live) is refused outright.
"""
import math
from collections.abc import Set
from dataclasses import dataclass, field
from xml.sax.saxutils import escape

from lxml import etree

from app.xml_safety import MalformedXml, UnsafeXml, parse_untrusted_xml

BPMN = "{http://www.omg.org/spec/BPMN/20100524/MODEL}"
BPMNDI = "{http://www.omg.org/spec/BPMN/20100524/DI}"
DC = "{http://www.omg.org/spec/DD/20100524/DC}"
DI = "{http://www.omg.org/spec/DD/20100524/DI}"
CAMUNDA = "{http://camunda.org/schema/1.0/bpmn}"

TASKS = {"task", "userTask", "scriptTask", "serviceTask", "businessRuleTask", "manualTask", "sendTask",
         "receiveTask", "callActivity", "subProcess"}
EVENTS = {"startEvent", "endEvent", "intermediateThrowEvent", "intermediateCatchEvent", "boundaryEvent"}
GATEWAYS = {"exclusiveGateway", "parallelGateway", "inclusiveGateway", "eventBasedGateway", "complexGateway"}
# Recorded in the audit trail when reached; the others (gateways, script tasks, unnamed
# events) are inferred from their neighbours.
RECORDED = {"userTask", "businessRuleTask", "endEvent", "intermediateThrowEvent", "intermediateCatchEvent",
            "boundaryEvent"}

INK, PAPER = "#333333", "#ffffff"
DONE_INK, DONE_FILL = "#1b7f3b", "#d9f2e1"
CURRENT_INK, CURRENT_FILL = "#b36b00", "#fff1cc"
FONT = "DejaVu Sans, sans-serif"
# Text sizes in diagram units; the printed scale keeps the smallest at 7 pt or more.
TASK_TEXT, LABEL_TEXT, LANE_TEXT = 14, 13, 16


class DiagramError(ValueError):
    """The XML is not a diagram we can draw."""


@dataclass
class Node:
    id: str
    kind: str
    name: str = ""
    incoming: list[str] = field(default_factory=list)
    outgoing: list[str] = field(default_factory=list)
    attached_to: str | None = None
    interrupting: bool = True


@dataclass
class Diagram:
    nodes: dict[str, Node]
    flows: dict[str, tuple[str, str]]
    shapes: dict[str, tuple[float, float, float, float]]
    labels: dict[str, tuple[float, float, float, float]]
    edges: dict[str, list[tuple[float, float]]]
    lanes: dict[str, str]  # lane or pool id -> name
    horizontal: set[str] = field(default_factory=set)
    lane_of: dict[str, str] = field(default_factory=dict)  # element id -> lane name
    # Task id -> the name of its deadline timer, which the diagrams give as the SOP's
    # standard time ("14 hari kerja", "90 hari (langkah 4–5)"): bpmn/README.md.
    standard_times: dict[str, str] = field(default_factory=dict)


def parse_diagram(bpmn_xml: str) -> Diagram:
    try:
        root = parse_untrusted_xml(bpmn_xml)
    except UnsafeXml as exc:
        raise DiagramError("diagram XML with a document type declaration is refused") from exc
    except MalformedXml as exc:
        raise DiagramError(f"diagram XML does not parse: {exc}") from exc
    diagram = _process_elements(root)
    _read_shapes(root, diagram)
    _read_edges(root, diagram)
    if not diagram.shapes:
        raise DiagramError("the diagram has no diagram interchange (BPMNDI) to draw")
    return diagram


def _process_elements(root: etree._Element) -> Diagram:
    """The nodes, flows and lanes of the process model, not yet placed."""
    nodes: dict[str, Node] = {}
    flows: dict[str, tuple[str, str]] = {}
    lanes: dict[str, str] = {}
    lane_of: dict[str, str] = {}
    standard_times: dict[str, str] = {}
    for element in root.iter(etree.Element):  # elements only: no comments or processing instructions
        tag = str(element.tag)  # a str for elements; lxml's stubs allow QName and bytes too
        kind = tag.removeprefix(BPMN)
        ident = element.get("id")
        if kind == tag or ident is None:
            continue
        if kind == "sequenceFlow":
            flows[ident] = (element.get("sourceRef", ""), element.get("targetRef", ""))
        elif kind in ("lane", "participant"):
            lanes[ident] = element.get("name", "")
            for ref in element.findall(f"{BPMN}flowNodeRef"):
                lane_of[(ref.text or "").strip()] = element.get("name", "")
        elif kind in TASKS | EVENTS | GATEWAYS:
            attached_to = element.get("attachedToRef")
            nodes[ident] = Node(ident, kind, element.get("name", ""), attached_to=attached_to,
                                interrupting=element.get("cancelActivity", "true") != "false")
            if kind == "boundaryEvent" and attached_to and _property(element, "deadline") == "true":
                standard_times[attached_to] = element.get("name", "")
    for ident, (source, target) in flows.items():
        if source in nodes:
            nodes[source].outgoing.append(ident)
        if target in nodes:
            nodes[target].incoming.append(ident)
    return Diagram(nodes, flows, {}, {}, {}, lanes, lane_of=lane_of, standard_times=standard_times)


def _read_shapes(root: etree._Element, diagram: Diagram) -> None:
    for shape in root.iter(f"{BPMNDI}BPMNShape"):
        ref, bounds = shape.get("bpmnElement"), shape.find(f"{DC}Bounds")
        if ref is None or bounds is None:
            continue
        diagram.shapes[ref] = _bounds(bounds)
        if shape.get("isHorizontal") == "true":
            diagram.horizontal.add(ref)
        label = shape.find(f"{BPMNDI}BPMNLabel/{DC}Bounds")
        if label is not None:
            diagram.labels[ref] = _bounds(label)


def _read_edges(root: etree._Element, diagram: Diagram) -> None:
    for edge in root.iter(f"{BPMNDI}BPMNEdge"):
        points = [(_coordinate(p, "x"), _coordinate(p, "y")) for p in edge.findall(f"{DI}waypoint")]
        ref = edge.get("bpmnElement")
        if ref and len(points) >= 2:
            diagram.edges[ref] = points


def _property(element, name: str) -> str | None:
    for prop in element.iter(f"{CAMUNDA}property"):
        if prop.get("name") == name:
            return prop.get("value")
    return None


def _bounds(element: etree._Element) -> tuple[float, float, float, float]:
    x, y, width, height = (_coordinate(element, k) for k in ("x", "y", "width", "height"))
    return x, y, width, height


def _coordinate(element: etree._Element, name: str) -> float:
    """A DI coordinate; DiagramError (the caller prints without the diagram) if it is
    missing or not a number, rather than a crash."""
    try:
        return float(element.get(name, ""))
    except ValueError:
        raise DiagramError(f"diagram interchange coordinate {name!r} missing or not a number") from None


def taken_path(diagram: Diagram, reached: set[str]) -> tuple[set[str], set[str]]:
    """The elements and flows the case went through: the recorded elements, plus the
    unrecorded ones (gateways, script tasks, start events) that stand between reached
    elements; a flow counts when both its ends were reached. An approximation from the
    trail, not the engine's own history."""
    elements = {e for e in reached if e in diagram.nodes}

    def sources(node):
        return {diagram.flows[f][0] for f in node.incoming}

    def targets(node):
        return {diagram.flows[f][1] for f in node.outgoing}

    changed = True
    while changed:
        changed = False
        for node in diagram.nodes.values():
            if node.id in elements or node.kind in RECORDED:
                continue
            came = node.kind == "startEvent" or bool(sources(node) & elements)
            if came and targets(node) & elements:
                elements.add(node.id)
                changed = True
    flows = {f for f, (s, t) in diagram.flows.items() if s in elements and t in elements}
    return elements, flows


def _extent(diagram: Diagram) -> tuple[float, float, float, float]:
    xs, ys = [], []
    for x, y, w, h in list(diagram.shapes.values()) + list(diagram.labels.values()):
        xs += [x, x + w]
        ys += [y, y + h]
    for points in diagram.edges.values():
        xs += [p[0] for p in points]
        ys += [p[1] for p in points]
    left, top = min(xs) - 10, min(ys) - 10
    return left, top, max(xs) - left + 10, max(ys) - top + 10


def _body(diagram: Diagram, *, done, current, flows) -> list[tuple[tuple[float, float, float, float], str]]:
    """Each drawn part with its bounding box (x0, y0, x1, y1), lanes first, nodes last."""
    out = []
    for ident in diagram.shapes:
        if ident in diagram.lanes:
            x, y, w, h = diagram.shapes[ident]
            out.append(((x, y, x + w, y + h), _lane(ident, diagram)))
    for ident, points in diagram.edges.items():
        if ident in diagram.flows:
            xs, ys = [p[0] for p in points], [p[1] for p in points]
            out.append(((min(xs), min(ys), max(xs), max(ys)), _flow(ident, points, ident in flows)))
    for ident in diagram.shapes:
        node = diagram.nodes.get(ident)
        if node is not None:
            state = "current" if ident in current else "done" if ident in done else "idle"
            x, y, w, h = diagram.shapes[ident]
            lx, ly, lw, lh = diagram.labels.get(ident, (x - 30, y + h + 4, w + 60, 40))
            box = (min(x, lx), min(y, ly), max(x + w, lx + lw), max(y + h, ly + lh))
            out.append((box, _node(node, diagram, state)))
    return out


def render_svg(diagram: Diagram, *, done: Set[str] = frozenset(), current: Set[str] = frozenset(),
               flows: Set[str] = frozenset()) -> str:
    """The diagram as a standalone SVG document; `done` elements and `flows` in green,
    `current` (waiting) elements in amber."""
    left, top, width, height = _extent(diagram)
    out = [f'<svg xmlns="http://www.w3.org/2000/svg" viewBox="{left:g} {top:g} {width:g} {height:g}" '
           f'width="{width:g}" height="{height:g}" font-family="{FONT}">']
    out += [part for _, part in _body(diagram, done=done, current=current, flows=flows)]
    out.append("</svg>")
    return "\n".join(out)


# The printed page: the picture area of a landscape A4 page of the case file (mm), and
# the smallest text the diagram draws (element labels, 10 units). The scale keeps that
# text at 7 pt or more on paper; a diagram wider or taller than a page at that scale is
# cut into pages (with an overlap, so an element at a seam is whole on one of them).
PRINT_AREA_MM = (269.0, 166.0)
SMALLEST_TEXT_UNITS = float(LABEL_TEXT)
SMALLEST_TEXT_PT = 7.0
_PT_PER_MM = 72 / 25.4
_OVERLAP = 40.0


def print_scale() -> float:
    """Millimetres per diagram unit at which the smallest text prints at 7 pt."""
    return SMALLEST_TEXT_PT / _PT_PER_MM / SMALLEST_TEXT_UNITS


def diagram_pages(diagram: Diagram, *, done: Set[str] = frozenset(), current: Set[str] = frozenset(),
                  flows: Set[str] = frozenset()) -> list[tuple[str, float, float]]:
    """The diagram as one SVG per printed page, each with its size in mm: (svg, width,
    height). Every page repeats the lane names at its left edge."""
    left, top, width, height = _extent(diagram)
    body = _body(diagram, done=done, current=current, flows=flows)
    fit = min(PRINT_AREA_MM[0] / width, PRINT_AREA_MM[1] / height)
    scale = max(fit, print_scale())  # the whole diagram on one page when its text stays legible
    columns, tile_w = _tiles(width, PRINT_AREA_MM[0] / scale)
    rows, tile_h = _tiles(height, PRINT_AREA_MM[1] / scale)
    pages = []
    for row in range(rows):
        for column in range(columns):
            x, y = left + column * (tile_w - _OVERLAP), top + row * (tile_h - _OVERLAP)
            overlay = _lane_names_at(diagram, x, y, tile_h) if column else ""
            # Only what lies in this page's window: each page stays as quick to draw as one.
            shown = "\n".join(part for (x0, y0, x1, y1), part in body
                              if x1 >= x and x0 <= x + tile_w and y1 >= y and y0 <= y + tile_h)
            pages.append((f'<svg xmlns="http://www.w3.org/2000/svg" viewBox="{x:g} {y:g} {tile_w:g} {tile_h:g}" '
                          f'width="{tile_w * scale:.1f}mm" height="{tile_h * scale:.1f}mm" font-family="{FONT}">'
                          f'\n{shown}\n{overlay}</svg>', tile_w * scale, tile_h * scale))
    return pages


def _tiles(extent: float, window: float) -> tuple[int, float]:
    """How many overlapping windows cover `extent`, and each window's size (≤ window)."""
    if extent <= window:
        return 1, extent
    count = math.ceil((extent - _OVERLAP) / (window - _OVERLAP))
    return count, (extent + _OVERLAP * (count - 1)) / count


def _lane_names_at(diagram: Diagram, x: float, y: float, height: float) -> str:
    """The lanes' names written at the left edge of a page that does not show the lanes' own."""
    names = []
    for ident, name in diagram.lanes.items():
        if ident not in diagram.shapes or not name or ident not in diagram.horizontal:
            continue
        _, ly, _, lh = diagram.shapes[ident]
        if ly + lh < y or ly > y + height or any(
                ident != other and other in diagram.shapes and _contains(diagram.shapes[ident], diagram.shapes[other])
                for other in diagram.lanes):
            continue  # a pool around lanes: its lanes carry the names
        ty = max(ly, y) + LABEL_TEXT + 4
        names.append(f'<rect x="{x + 2:g}" y="{ty - LABEL_TEXT - 1:g}" width="{len(name) * LABEL_TEXT * 0.6 + 8:g}" height="{LABEL_TEXT + 5}" '
                     f'fill="#ffffff" fill-opacity="0.85" stroke="{INK}" stroke-width="0.5"/>'
                     f'<text x="{x + 6:g}" y="{ty:g}" font-size="{LABEL_TEXT}" >{escape(name)}</text>')
    return "".join(names)


def _contains(outer, inner) -> bool:
    ox, oy, ow, oh = outer
    ix, iy, iw, ih = inner
    return ox <= ix and oy <= iy and ix + iw <= ox + ow and iy + ih <= oy + oh and outer != inner


def _lane(ident: str, diagram: Diagram) -> str:
    x, y, w, h = diagram.shapes[ident]
    name = escape(diagram.lanes[ident])
    cx, cy = x + 15, y + h / 2
    return (f'<g class="lane" data-id="{escape(ident)}"><rect x="{x:g}" y="{y:g}" width="{w:g}" height="{h:g}" '
            f'fill="none" stroke="{INK}" stroke-width="1"/>'
            f'<line x1="{x + 30:g}" y1="{y:g}" x2="{x + 30:g}" y2="{y + h:g}" stroke="{INK}" stroke-width="1"/>'
            f'<text x="{cx:g}" y="{cy:g}" font-size="{LANE_TEXT}" text-anchor="middle" dominant-baseline="middle" '
            f'transform="rotate(-90 {cx:g} {cy:g})">{name}</text></g>')


def _flow(ident: str, points: list[tuple[float, float]], taken: bool) -> str:
    ink, width = (DONE_INK, 3) if taken else (INK, 1.2)
    path = " ".join(f"{x:g},{y:g}" for x, y in points)
    (x1, y1), (x2, y2) = points[-2], points[-1]
    angle = math.atan2(y2 - y1, x2 - x1)
    head = [(x2, y2)] + [(x2 - 10 * math.cos(angle + s), y2 - 10 * math.sin(angle + s)) for s in (0.4, -0.4)]
    head_points = " ".join(f"{x:.1f},{y:.1f}" for x, y in head)
    return (f'<g class="flow{" taken" if taken else ""}" data-id="{escape(ident)}">'
            f'<polyline points="{path}" fill="none" stroke="{ink}" stroke-width="{width}"/>'
            f'<polygon points="{head_points}" fill="{ink}"/></g>')


def _node(node: Node, diagram: Diagram, state: str) -> str:
    x, y, w, h = diagram.shapes[node.id]
    ink, fill = {"done": (DONE_INK, DONE_FILL), "current": (CURRENT_INK, CURRENT_FILL)}.get(state, (INK, PAPER))
    stroke = 2.5 if state != "idle" else 1.2
    parts = [f'<g class="node {node.kind} {state}" data-id="{escape(node.id)}">']
    if node.kind in TASKS:
        parts.append(f'<rect x="{x:g}" y="{y:g}" width="{w:g}" height="{h:g}" rx="10" fill="{fill}" '
                     f'stroke="{ink}" stroke-width="{stroke}"/>')
        parts += _text(node.name, x + w / 2, y + h / 2, w - 8, size=TASK_TEXT, middle=True)
    elif node.kind in EVENTS:
        parts += _event(node, x, y, w, h, ink, fill, stroke)
    else:
        cx, cy = x + w / 2, y + h / 2
        parts.append(f'<polygon points="{cx:g},{y:g} {x + w:g},{cy:g} {cx:g},{y + h:g} {x:g},{cy:g}" '
                     f'fill="{fill}" stroke="{ink}" stroke-width="{stroke}"/>')
        parts.append(_gateway_marker(node.kind, cx, cy, ink))
    if node.kind not in TASKS and node.name:
        lx, ly, lw, lh = diagram.labels.get(node.id, (x - 30, y + h + 4, w + 60, 28))
        parts += _text(node.name, lx + lw / 2, ly + LABEL_TEXT - 1, max(lw, 80), size=LABEL_TEXT, middle=False)
    parts.append("</g>")
    return "".join(parts)


def _event(node: Node, x, y, w, h, ink, fill, stroke) -> list[str]:
    cx, cy, r = x + w / 2, y + h / 2, min(w, h) / 2
    dash = ' stroke-dasharray="4 3"' if node.kind == "boundaryEvent" and not node.interrupting else ""
    width = stroke + 2 if node.kind == "endEvent" else stroke
    shapes = [f'<circle cx="{cx:g}" cy="{cy:g}" r="{r:g}" fill="{fill}" stroke="{ink}" stroke-width="{width}"{dash}/>']
    if node.kind in ("intermediateThrowEvent", "intermediateCatchEvent", "boundaryEvent"):
        shapes.append(f'<circle cx="{cx:g}" cy="{cy:g}" r="{r - 3:g}" fill="none" stroke="{ink}" '
                      f'stroke-width="1"{dash}/>')
    return shapes


def _gateway_marker(kind: str, cx: float, cy: float, ink: str) -> str:
    if kind == "parallelGateway":
        return (f'<path d="M{cx - 9:g},{cy:g} H{cx + 9:g} M{cx:g},{cy - 9:g} V{cy + 9:g}" stroke="{ink}" '
                f'stroke-width="3"/>')
    if kind == "exclusiveGateway":
        return (f'<path d="M{cx - 7:g},{cy - 7:g} L{cx + 7:g},{cy + 7:g} M{cx + 7:g},{cy - 7:g} L{cx - 7:g},{cy + 7:g}" '
                f'stroke="{ink}" stroke-width="3"/>')
    return f'<circle cx="{cx:g}" cy="{cy:g}" r="9" fill="none" stroke="{ink}" stroke-width="1.5"/>'


def wrap(text: str, width: float, size: float) -> list[str]:
    """Greedy line breaking by an average glyph width (no font metrics at hand)."""
    per_line = max(int(width / (size * 0.56)), 4)
    lines: list[str] = []
    for word in text.split():
        if lines and len(lines[-1]) + 1 + len(word) <= per_line:
            lines[-1] += " " + word
        else:
            lines.append(word)
    return lines


def _text(text: str, cx: float, y: float, width: float, *, size: float, middle: bool) -> list[str]:
    lines = wrap(text, width, size)
    step = size * 1.1
    first = y - step * (len(lines) - 1) / 2 + size * 0.35 if middle else y
    return [f'<text x="{cx:g}" y="{first + i * step:.1f}" font-size="{size:g}" text-anchor="middle">'
            f'{escape(line)}</text>' for i, line in enumerate(lines)]
