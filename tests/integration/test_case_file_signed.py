"""A case file an inspector signs: the signing official from the organisation's settings
(set from the command line), a document number, every time with its zone, the whole path
on the diagram with the waiting step marked and its text legible on A4, and a case page
whose "past deadlines" heading stands only over deadlines that were missed."""
import base64
import io
import re
import shutil
import subprocess
from pathlib import Path

import pytest
from PIL import Image
from pypdf import PdfReader

from app.extensions import db
from app.models import AuditEvent, Case, Organisation, User
from app.services.casefile.case_pdf import case_file, render_case_pdf
from app.services.casefile.diagram_svg import LABEL_TEXT, diagram_pages, parse_diagram
from app.services.definitions.processes import deployed_processes
from tests.helpers.audit_case import build_case
from tests.helpers.route_walk import start, walk

SUPERVISORY = {"logis": True, "berkadar_pengawasan": True, "kewenangan": True}
ARTIFACTS = Path(__file__).resolve().parents[2] / "test-artifacts"
TIME = re.compile(r"\d{4}-\d{2}-\d{2}\s+\d{2}:\d{2}")


def _text(content: bytes) -> str:
    return "\n".join(page.extract_text() for page in PdfReader(io.BytesIO(content)).pages)


def _admin() -> User:
    return db.session.scalars(db.select(User).where(User.username == "admin")).one()


def _version(key: str):
    return next(v for v in deployed_processes() if v.definition.key == key)


@pytest.mark.pdf
def test_the_case_file_is_numbered_signed_and_every_time_has_its_zone(staff):
    case_id = build_case()
    case = db.session.get(Case, case_id)
    text = _text(render_case_pdf(case=case, viewer=_admin()))
    squashed = re.sub(r"\s+", " ", text)
    head = db.session.scalars(db.select(AuditEvent.hash).where(AuditEvent.case_id == case_id)
                              .order_by(AuditEvent.seq.desc())).first()
    assert f"Nomor dokumen: BK/BSN/{case.tracking_number}/{head[:8].upper()}" in squashed
    # The demo official of BSN (app/services/organisation/signatory.py), with place, date, NIP, position.
    assert "Pengesahan" in squashed and "Dr. Ratna Kusumawardani, S.E., M.Ak." in squashed
    assert "NIP 197503122000032001" in squashed and "Inspektur" in squashed
    assert re.search(r"Jakarta, \d{1,2} [A-Z][a-z]+ 20\d\d", squashed)
    times = TIME.findall(text)
    assert times and len(re.findall(r"\d{2}:\d{2}\s+WIB", text)) >= len(times)


@pytest.mark.pdf
def test_an_official_set_from_the_command_line_signs_and_a_bad_nip_is_refused(staff, runner):
    bad = runner.invoke(args=["organisations", "signatory", "--org", "bsn", "--place", "Jakarta", "--name", "Budi",
                              "--nip", "1975", "--position", "Inspektur"])
    assert bad.exit_code != 0 and "NIP harus 18 angka." in bad.output
    good = runner.invoke(args=["organisations", "signatory", "--org", "bsn", "--place", "Tangerang Selatan",
                               "--name", "Ir. Bambang Prasetyo, M.T.", "--nip", "19690214 199403 1 001",
                               "--position", "Plt. Inspektur"])
    assert good.exit_code == 0, good.output
    assert "Ir. Bambang Prasetyo, M.T.\tNIP 196902141994031001" in good.output
    db.session.expire_all()
    case = db.session.get(Case, build_case(close=False))
    squashed = re.sub(r"\s+", " ", _text(render_case_pdf(case=case, viewer=_admin())))
    assert "Tangerang Selatan," in squashed and "Ir. Bambang Prasetyo, M.T." in squashed
    assert "NIP 196902141994031001" in squashed and "Plt. Inspektur" in squashed
    assert db.session.scalars(db.select(AuditEvent).where(AuditEvent.action == "organisation.signatory_set")).one()


@pytest.mark.pdf
def test_times_of_an_organisation_in_central_indonesia_read_wita(every_staff):
    case = walk(start(_version("sop_003"), "bps-kaltim"), {}, organisation="bps-kaltim", extras=False, limit=2)
    assert db.session.get(Organisation, "bps-kaltim").timezone == "Asia/Makassar"
    text = _text(render_case_pdf(case=case, viewer=_admin()))
    assert "WITA" in text and " WIB" not in text


def test_the_diagram_shows_the_whole_path_and_where_the_case_waits(staff):
    """A supervisory SOP 000 case waiting at step 4: the routing gateway and the script
    step between (4. Mencatat penerimaan) are on the path, the waiting task is marked."""
    case = walk(start(_version("sop_000"), "bsn"), SUPERVISORY, organisation="bsn", extras=False, limit=2)
    assert [t.element_id for t in case.tasks] == ["tugas_tindak_lanjut_pengawasan"]
    pages = case_file(case=case, viewer=_admin())["diagram_pages"]
    svg = "".join(base64.b64decode(src.split(",", 1)[1]).decode() for src, _, _ in pages)
    for element in ("gw_lengkap", "tugas_tentukan_rute", "gw_rute", "tugas_mulai_batas_pengawasan"):
        assert re.search(rf'class="node \w+ done" data-id="{element}"', svg), element
    assert re.search(r'class="node userTask current" data-id="tugas_tindak_lanjut_pengawasan"', svg)
    assert not re.search(r'class="node \w+ (done|current)" data-id="tugas_tindak_lanjut_unit"', svg)


def test_diagram_text_prints_at_seven_points_or_more_for_every_sop(staff):
    for version in deployed_processes():
        pages = diagram_pages(parse_diagram(version.bpmn_xml))
        assert 1 <= len(pages) <= 12, version.definition.key  # SOP 004: 4060 × 2590 units
        for svg, width_mm, height_mm in pages:
            assert width_mm <= 269.5 and height_mm <= 166.5
            view_width = float(re.search(r'viewBox="\S+ \S+ (\S+) \S+"', svg).group(1))
            smallest_pt = LABEL_TEXT * width_mm / view_width * 72 / 25.4
            assert round(smallest_pt, 2) >= 7.0, (version.definition.key, smallest_pt)


@pytest.mark.pdf
def test_the_printed_diagram_page_shows_the_path_and_the_waiting_step(staff, tmp_path):
    """The diagram pages rendered to PNG by poppler's pdftoppm: the green of the path and
    the amber of the waiting step are on them (the picture was also looked at by eye)."""
    assert shutil.which("pdftoppm"), "poppler-utils is installed by scripts/test.sh"
    case = walk(start(_version("sop_000"), "bsn"), SUPERVISORY, organisation="bsn", extras=False, limit=2)
    pdf = tmp_path / "berkas.pdf"
    pdf.write_bytes(render_case_pdf(case=case, viewer=_admin()))
    reader = PdfReader(str(pdf))
    diagram_pages = [n + 1 for n, page in enumerate(reader.pages) if "Diagram SOP" in page.extract_text()]
    # At a legible scale SOP 000's diagram takes more than one landscape page.
    assert len(diagram_pages) >= 2 and "(bagian 1 dari" in reader.pages[diagram_pages[0] - 1].extract_text()
    subprocess.run(["pdftoppm", "-r", "60", "-png", "-f", str(diagram_pages[0]), "-l", str(diagram_pages[-1]),
                    str(pdf), str(tmp_path / "diagram")], check=True)
    colours = set()
    ARTIFACTS.mkdir(exist_ok=True)
    for png in sorted(tmp_path.glob("diagram-*.png")):
        shutil.copy(png, ARTIFACTS / f"case-file-{png.name}")  # for people to look at
        image = Image.open(png).convert("RGB")
        assert image.width > image.height  # landscape
        colours |= set(image.getdata())
    green = {(0xd9, 0xf2, 0xe1), (0x1b, 0x7f, 0x3b)}
    amber = {(0xff, 0xf1, 0xcc), (0xb3, 0x6b, 0x00)}
    assert colours & green and colours & amber


def test_a_met_deadline_is_not_listed_as_past(client, auth, staff):
    """Non-supervisory SOP 000 case, the unit answers at once: its deadline was met, so
    the page lists it under "terpenuhi" and shows no "telah lewat" heading."""
    answers = {"logis": True, "berkadar_pengawasan": False, "kewenangan": True}
    case = walk(start(_version("sop_000"), "bsn"), answers, organisation="bsn", extras=False, limit=3)
    assert db.session.scalars(db.select(AuditEvent.action).where(AuditEvent.case_id == case.id,
                                                                 AuditEvent.action.like("deadline.%"))).all() \
        == ["deadline.met"]
    auth.login("admin")
    page = client.get(f"/kasus/{case.id}").get_data(as_text=True)
    assert "Batas waktu yang terpenuhi" in page
    assert "Batas waktu yang telah lewat" not in page
