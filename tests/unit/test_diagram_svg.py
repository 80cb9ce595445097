"""The SOP diagrams drawn from their BPMNDI, with a case's path highlighted."""
from pathlib import Path
from xml.etree import ElementTree

import pytest

from app.services.casefile.diagram_svg import DiagramError, parse_diagram, render_svg, taken_path

ROOT = Path(__file__).resolve().parent.parent.parent
SVG = "{http://www.w3.org/2000/svg}"


def _diagram(name: str = "sop_000"):
    return parse_diagram((ROOT / "bpmn" / f"{name}.bpmn").read_text())


def _groups(svg: str) -> dict[str, ElementTree.Element]:
    return {g.get("data-id"): g for g in ElementTree.fromstring(svg).iter(f"{SVG}g")}


@pytest.mark.parametrize("name", ["sop_000", "sop_001", "sop_002", "sop_003", "sop_004"])
def test_every_shape_and_edge_of_each_sop_is_drawn(name):
    source = (ROOT / "bpmn" / f"{name}.bpmn").read_text()
    diagram = parse_diagram(source)
    groups = _groups(render_svg(diagram))
    root = ElementTree.fromstring(source)
    shapes = {s.get("bpmnElement") for s in root.iter("{http://www.omg.org/spec/BPMN/20100524/DI}BPMNShape")}
    edges = {e.get("bpmnElement") for e in root.iter("{http://www.omg.org/spec/BPMN/20100524/DI}BPMNEdge")}
    assert shapes | edges <= set(groups)
    lanes = [g for g in groups.values() if g.get("class") == "lane"]
    assert len(lanes) == len(diagram.lanes)


def test_lanes_tasks_and_timers_keep_their_names_and_places():
    diagram = _diagram()
    groups = _groups(render_svg(diagram))
    lane_text = "".join(groups["lane_tata_usaha_inspektorat"].itertext())
    assert lane_text == "Tata Usaha Inspektorat"
    task = groups["tugas_verifikasi"]
    rect = task.find(f"{SVG}rect")
    assert (rect.get("x"), rect.get("y")) == tuple(f"{v:g}" for v in diagram.shapes["tugas_verifikasi"][:2])
    assert " ".join(t.text for t in task.iter(f"{SVG}text")) == "2. Mencatat dan verifikasi laporan"
    # Non-interrupting boundary timers are dashed, as in BPMN.
    assert "stroke-dasharray" in ElementTree.tostring(groups["tenggat_tugas_tindak_lanjut_unit"], encoding="unicode")


def test_the_taken_path_fills_in_gateways_and_the_flows_between_reached_elements():
    diagram = _diagram()
    elements, flows = taken_path(diagram, {"tugas_verifikasi", "tugas_telaah"})
    assert "ev_pengaduan_diajukan" in elements  # the start event
    assert "gw_lengkap" in elements  # the gateway between verification and review
    assert "alur_diajukan_ke_verifikasi" in flows and "alur_lengkap" in flows
    assert "ev_tidak_lengkap" not in elements  # the branch not taken
    assert not any(diagram.flows[f][1] == "ev_tidak_lengkap" for f in flows)


def test_highlighted_elements_and_flows_are_marked_in_the_svg():
    diagram = _diagram()
    elements, flows = taken_path(diagram, {"tugas_verifikasi", "tugas_telaah"})
    groups = _groups(render_svg(diagram, done=elements - {"tugas_telaah"}, current={"tugas_telaah"}, flows=flows))
    assert groups["tugas_verifikasi"].get("class") == "node userTask done"
    assert groups["tugas_telaah"].get("class") == "node userTask current"
    assert groups["ev_tidak_lengkap"].get("class") == "node endEvent idle"
    assert groups["alur_lengkap"].get("class") == "flow taken"
    assert groups["alur_verifikasi_ke_cek_lengkap"].get("class") == "flow taken"


def test_standard_times_and_lanes_are_read_from_the_diagram():
    diagram = _diagram()
    assert diagram.standard_times["tugas_tindak_lanjut_unit"] == "14 hari kerja"
    assert diagram.lane_of["tugas_telaah"] == "Kepala Inspektorat"


def test_names_are_escaped_and_entities_refused():
    source = (ROOT / "bpmn" / "sop_000.bpmn").read_text().replace(
        'name="2. Mencatat dan verifikasi laporan"', 'name="2. &lt;script&gt; &amp; verifikasi"')
    svg = render_svg(parse_diagram(source))
    assert "<script>" not in svg and "&lt;script&gt;" in svg
    bomb = '<?xml version="1.0"?><!DOCTYPE x [<!ENTITY a "aaaa">]><x>&a;</x>'
    with pytest.raises(DiagramError, match="document type"):
        parse_diagram(bomb)
    with pytest.raises(DiagramError, match="diagram interchange"):
        parse_diagram('<definitions xmlns="http://www.omg.org/spec/BPMN/20100524/MODEL"/>')


@pytest.mark.parametrize("broken", ['<dc:Bounds x="10" y="20" width="100"/>',
                                    '<dc:Bounds x="10" y="20" width="100" height="tall"/>'])
def test_a_shape_without_usable_bounds_is_refused_not_a_crash(broken):
    """The printed case file leaves out a diagram it cannot read (DiagramError); a shape
    missing its height once raised a TypeError there and failed the whole print."""
    source = (ROOT / "bpmn" / "sop_000.bpmn").read_text()
    first = source.index("<dc:Bounds ")
    end = source.index("/>", first) + 2
    with pytest.raises(DiagramError, match="coordinate"):
        parse_diagram(source[:first] + broken + source[end:])


def test_an_edge_point_without_y_is_refused_not_a_crash():
    source = (ROOT / "bpmn" / "sop_000.bpmn").read_text()
    first = source.index("<di:waypoint ")
    end = source.index("/>", first) + 2
    with pytest.raises(DiagramError, match="coordinate"):
        parse_diagram(source[:first] + '<di:waypoint x="5"/>' + source[end:])
@pytest.mark.parametrize("declaration", [
    '<!DOCTYPE definitions [<!ENTITY secret SYSTEM "file:///etc/passwd">]>',
    '<!doctype definitions SYSTEM "http://127.0.0.1:9/model.dtd">',
    '<!ENTITY a "aaaa">',
])
def test_a_diagram_declaring_a_document_type_or_entity_is_not_drawn(declaration):
    source = (ROOT / "bpmn" / "sop_000.bpmn").read_text()
    tampered = source.replace("?>", "?>" + declaration, 1).replace(
        'name="2. Mencatat dan verifikasi laporan"', 'name="&secret;"')
    with pytest.raises(DiagramError, match="document type"):
        parse_diagram(tampered)


def test_comments_and_processing_instructions_in_a_diagram_are_skipped():
    source = (ROOT / "bpmn" / "sop_000.bpmn").read_text().replace(
        "<bpmn:userTask ", "<!-- a modeller's note --><?dumas ignored?><bpmn:userTask ", 1)
    diagram = parse_diagram(source)
    assert diagram.nodes["tugas_telaah"].kind == "userTask"
    assert "<svg" in render_svg(diagram)
