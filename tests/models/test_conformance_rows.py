"""docs/sop-conformance.md stays true, row by row, against the XML of its SOP's diagram.

The rows are read from the document, so a row added or changed there is checked without
touching this file. For every table row of an SOP's section:
- every element id it names (in its element and standard time columns) is an element of
  that SOP's diagram (not merely of some diagram);
- in the step tables (with "element" and "lane" columns), every task and event of the
  element column stands in one of the lanes the lane column names (a boundary event in its
  task's lane; gateways are left out: nobody performs them);
- a timer followed by its expression (`tenggat_x` (`tambah_hari_kerja(14)` …), `x`,
  `tambah_hari(3)`, `x`: `…`) has exactly that expression in the XML; a timer followed by
  "(N working days)", "(N days)" or "(N hours)" has tambah_hari_kerja(N), tambah_hari(N) or
  tambah_jam(N); "`extend_role` Lane" after a timer, or an `extend_role` column, is the
  timer's extend_role property;
- an ISO 8601 duration in the standard time column (`P1D`, `PT20M`) is the standard_time
  property or the timer of one of the row's elements;
- an element followed by "(Lane)" or "in Lane", where Lane is a lane of the diagram, stands
  in that lane.
A failure names the SOP, the document line and the row's first cell, what the row says and
what the XML has, so whoever changes a diagram (or the document) sees which row to fix.
"""
import re
from pathlib import Path

from lxml import etree

ROOT = Path(__file__).resolve().parents[2]
DOC = ROOT / "docs" / "sop-conformance.md"
BPMN = "{http://www.omg.org/spec/BPMN/20100524/MODEL}"
CAMUNDA = "{http://camunda.org/schema/1.0/bpmn}"
TOKEN = re.compile(r"`([^`]+)`")
IDENTIFIER = re.compile(r"^[a-z][a-z0-9_]*$")
TIMER_KINDS = ("timeDate", "timeDuration", "timeCycle")
DECISION_NAMES = {
    name for path in (ROOT / "dmn").glob("*.dmn") for el in etree.parse(str(path)).getroot().iter()
    if isinstance(el.tag, str) for name in (el.get("id"), el.get("name")) if name}
UNIT_FUNCTIONS = {"working days": "tambah_hari_kerja", "working day": "tambah_hari_kerja", "days": "tambah_hari",
                  "day": "tambah_hari", "hours": "tambah_jam", "hour": "tambah_jam"}


class Diagram:
    def __init__(self, path: Path):
        root = etree.parse(str(path)).getroot()
        self.ids = {el.get("id") for el in root.iter() if isinstance(el.tag, str) and el.get("id")}
        self.prefixes = {i.split("_")[0] + "_" for i in self.ids if "_" in i}
        self.lane_names = sorted({lane.get("name") for lane in root.iter(f"{BPMN}lane") if lane.get("name")},
                                 key=len, reverse=True)
        self.lane_of = {ref.text.strip(): ref.getparent().get("name") for ref in root.iter(f"{BPMN}flowNodeRef")}
        # Gateways route, nobody performs them: where one is drawn says nothing about a lane.
        self.gateways = {el.get("id") for el in root.iter() if isinstance(el.tag, str) and el.tag.endswith("Gateway")}
        # Names of the decision tables and their columns look like element ids (`tenggat_002`).
        self.table_names = DECISION_NAMES
        self.timers, self.extend_role = {}, {}
        # A task's standard time as the SOP states it (SOP 003, 004: an ISO 8601 duration).
        self.standard_time = {prop.getparent().getparent().getparent().get("id"): prop.get("value")
                              for prop in root.iter(f"{CAMUNDA}property") if prop.get("name") == "standard_time"}
        for event in root.iter(f"{BPMN}boundaryEvent", f"{BPMN}intermediateCatchEvent", f"{BPMN}startEvent"):
            definition = event.find(f"{BPMN}timerEventDefinition")
            if definition is None:
                continue
            text = next(("".join(child.itertext()) for child in definition
                         if isinstance(child.tag, str) and child.tag.split("}")[1] in TIMER_KINDS), "")
            self.timers[event.get("id")] = " ".join(text.split())
            props = {p.get("name"): p.get("value") for p in event.iter(f"{CAMUNDA}property")}
            self.extend_role[event.get("id")] = props.get("extend_role")
            if event.get("id") not in self.lane_of and event.get("attachedToRef") in self.lane_of:
                self.lane_of[event.get("id")] = self.lane_of[event.get("attachedToRef")]

    def lanes_in(self, text: str) -> set[str]:
        """The lane names a cell mentions, longest first ("Sekretariat Inspektorat" is not
        also "Inspektorat")."""
        found = set()
        for name in self.lane_names:
            if name in text:
                found.add(name)
                text = text.replace(name, " ")
        return found


def _sections() -> list[tuple[str, int, list[str]]]:
    """(SOP number, line number of the first line, lines) of each SOP's section."""
    sections, current = [], None
    for number, line in enumerate(DOC.read_text(encoding="utf-8").splitlines(), start=1):
        match = re.match(r"^## SOP (\d{3}) ", line)
        if match:
            current = (match.group(1), number, [])
            sections.append(current)
        elif current is not None:
            current[2].append(line)
    return sections


def _cells(line: str) -> list[str]:
    # A `|` inside backticks is not a column break (none in this document, but be safe).
    return [cell.strip() for cell in re.split(r"\|(?=(?:[^`]*`[^`]*`)*[^`]*$)", line.strip())[1:-1]]


def _tables(lines: list[str], first_line: int):
    """(header cells, [(line number, cells)]) of every table in a section."""
    header, rows = None, []
    for offset, line in enumerate(lines):
        if line.startswith("|"):
            cells = _cells(line)
            if header is None:
                header = [c.lower() for c in cells]
            elif not all(set(c) <= set("-: ") for c in cells):
                rows.append((first_line + 1 + offset, cells))
        elif header is not None:
            yield header, rows
            header, rows = None, []
    if header is not None:
        yield header, rows


def _column(header: list[str], *words: str) -> int | None:
    return next((i for i, cell in enumerate(header) if any(w in cell for w in words)), None)


def _element_refs(cell: str, diagram: Diagram) -> list[tuple[str, int, int]]:
    """(id, start, end) of the backticked tokens that name elements: identifiers with an
    element prefix of this diagram (tugas_, gw_, ev_, tenggat_, …), except a timer's own
    expression right after it (`pengingat_pengawasan` is a variable there)."""
    refs, previous = [], None
    for match in TOKEN.finditer(cell):
        token = match.group(1).strip()
        gap = cell[previous[2]:match.start()] if previous else ""
        is_expression = previous is not None and previous[0] in diagram.timers and re.fullmatch(r"\s*[(,:]\s*", gap)
        if (IDENTIFIER.match(token) and not is_expression and token not in diagram.table_names - diagram.ids
                and any(token.startswith(p) for p in diagram.prefixes)):
            refs.append((token, match.start(), match.end()))
            previous = (token, match.start(), match.end())
        else:
            previous = None if not is_expression else previous
    return refs


def _check_cell_claims(cell: str, diagram: Diagram, where: str, problems: list[str]) -> None:
    refs = _element_refs(cell, diagram)
    for index, (element, _start, end) in enumerate(refs):
        following = cell[end:refs[index + 1][1] if index + 1 < len(refs) else len(cell)]
        if element in diagram.timers:
            expression = re.match(r"\s*[(,:]\s*`([^`]+)`", following)
            actual = diagram.timers[element]
            if expression and expression.group(1).strip() != "extend_role":
                said = " ".join(expression.group(1).split())
                if said != actual and said not in ("…", "..."):
                    problems.append(f"{where}: timer `{element}` — the row says `{said}`, the XML has `{actual}`")
            in_words = re.match(r"\s*\((\d+) (working days?|days?|hours?)\)", following)
            call = re.fullmatch(r"(tambah_hari_kerja|tambah_hari|tambah_jam)\((\d+)\)", actual)
            if in_words and call:
                said = f"{UNIT_FUNCTIONS[in_words.group(2)]}({in_words.group(1)})"
                if said != actual:
                    problems.append(f"{where}: timer `{element}` — the row says {in_words.group(1)} "
                                    f"{in_words.group(2)} ({said}), the XML has `{actual}`")
            role = re.search(r"`extend_role`\s+([^,)`]+)", following.split("→")[0])
            if role:
                said = role.group(1).strip()
                if said != (diagram.extend_role.get(element) or ""):
                    problems.append(f"{where}: timer `{element}` — the row says extend_role {said}, the XML has "
                                    f"{diagram.extend_role.get(element) or 'none'}")
        lane = re.match(r"\s*(?:\(([^)`]+)\)|in ([A-Z][^,;.`]*))", following)
        if lane:
            named = (lane.group(1) or lane.group(2)).strip()
            if named in diagram.lane_names and diagram.lane_of.get(element) != named:
                problems.append(f"{where}: `{element}` — the row puts it in {named}, the XML in lane "
                                f"{diagram.lane_of.get(element) or '(none)'}")


def _check_row(header, line_number, cells, diagram: Diagram, sop: str, problems: list[str]) -> None:
    where = f"SOP {sop}, docs/sop-conformance.md line {line_number} (row “{cells[0][:60]}”)"
    element_col = _column(header, "element")
    lane_col = _column(header, "lane")
    time_col = _column(header, "standard time", "deadline", "reminder")
    extend_col = next((i for i, cell in enumerate(header) if cell.strip("` ") == "extend_role"), None)
    for index, cell in enumerate(cells):
        for element, _s, _e in _element_refs(cell, diagram):
            if element not in diagram.ids and (index in (element_col, time_col) or element_col is None):
                problems.append(f"{where}: `{element}` is not an element of sop_{sop}.bpmn")
        _check_cell_claims(cell, diagram, where, problems)
    _check_lanes(cells, diagram, where, problems, element_col=element_col, lane_col=lane_col)
    _check_standard_times(cells, diagram, where, problems, element_col=element_col, time_col=time_col)
    _check_extend_role(cells, diagram, where, problems, extend_col=extend_col)


def _check_lanes(cells, diagram: Diagram, where: str, problems: list[str], *, element_col, lane_col) -> None:
    if element_col is not None and lane_col is not None and len(cells) > max(element_col, lane_col):
        lanes = diagram.lanes_in(cells[lane_col])
        if lanes:
            for element, _s, _e in _element_refs(cells[element_col], diagram):
                actual = diagram.lane_of.get(element)
                if actual is not None and actual not in lanes and element not in diagram.gateways:
                    problems.append(f"{where}: `{element}` — the row's lane column says {cells[lane_col]!r}, "
                                    f"the XML has it in lane {actual}")


def _check_standard_times(cells, diagram: Diagram, where: str, problems: list[str], *, element_col, time_col) -> None:
    if time_col is not None and element_col is not None and len(cells) > max(time_col, element_col):
        # An ISO duration the row gives as the standard time is a standard_time or timer of its elements.
        refs = [e for e, _s, _e in _element_refs(cells[element_col] + " " + cells[time_col], diagram)]
        stated = {diagram.standard_time.get(e) for e in refs} | {diagram.timers.get(e, "").strip('"') for e in refs}
        for duration in re.findall(r"`(P(?:T?\d+[YMWDHS])+)`", cells[time_col]):
            if refs and duration not in stated:
                problems.append(f"{where}: standard time `{duration}` — none of the row's elements has it in the XML "
                                f"(standard_time / timers: {', '.join(sorted(v for v in stated if v)) or 'none'})")


def _check_extend_role(cells, diagram: Diagram, where: str, problems: list[str], *, extend_col) -> None:
    if extend_col is not None and len(cells) > extend_col:
        said = cells[extend_col].strip()
        for element, _s, _e in _element_refs(" ".join(cells), diagram):
            if diagram.extend_role.get(element) and said != diagram.extend_role[element]:
                problems.append(f"{where}: timer `{element}` — the extend_role column says {said!r}, the XML "
                                f"has {diagram.extend_role[element]!r}")


def test_every_row_of_the_conformance_document_matches_its_diagram():
    problems: list[str] = []
    checked = 0
    for sop, first_line, lines in _sections():
        diagram = Diagram(ROOT / "bpmn" / f"sop_{sop}.bpmn")
        for header, rows in _tables(lines, first_line):
            for line_number, cells in rows:
                _check_row(header, line_number, cells, diagram, sop, problems)
                checked += 1
    assert checked > 100  # every section's tables were read
    assert problems == [], "\n" + "\n".join(problems)
