"""Values people read, never Python: a case of every route of every SOP (walked by
tests/helpers/route_walk.py from the models' own decision rules and gateway
conditions) shown on the case page, in the printed case file and in the API's event
text, where no `True`, `False`, `None`, dict or list spelling and no dotted event key may
appear, and every time carries its zone (WIB, WITA, WIT)."""
import html
import io
import re

import pytest
from flask_babel import refresh
from pypdf import PdfReader

from app.extensions import db
from app.models import AuditEvent, Case, Organisation
from app.services.administration.demo import DEMO_PASSWORD
from app.services.casefile.case_pdf import render_case_pdf
from app.services.definitions.processes import deployed_processes
from app.services.organisation.accounts import create_user
from tests.helpers.complaints import PDF
from tests.helpers.identity_helpers import bearer
from tests.helpers.route_walk import answer_sets, start, walk

PYTHON_SPELLINGS = re.compile(r"\bTrue\b|\bFalse\b|\bNone\b|\{|\['")
TIME_WITHOUT_ZONE = re.compile(r"\d{4}-\d{2}-\d{2}\s+\d{2}:\d{2}(?!(:\d{2})?\s*(WIB|WITA|WIT))")


def _visible_text(page: str, start_marker: str) -> str:
    """The page's text from `start_marker` on, tags and scripts removed."""
    page = page[page.index(start_marker):]
    page = re.sub(r"<(script|style)\b.*?</\1>", " ", page, flags=re.S)
    return html.unescape(re.sub(r"<[^>]+>", " ", page))


def _problems(text: str, actions: set[str]) -> list[str]:
    found = PYTHON_SPELLINGS.findall(text) + TIME_WITHOUT_ZONE.findall(text)
    found += [action for action in actions if action in text]
    return found


@pytest.fixture
def reader(every_staff):
    """A national reader (no organisation) holding every lane's role, who sees every case."""
    lanes = sorted({lane for version in deployed_processes() for lane in version.lanes or []})
    create_user(username="pembaca", password=DEMO_PASSWORD, roles=lanes, unit_code=None, organisation_code=None)
    return db.session.scalars(db.select(type(every_staff["admin"])).where(
        type(every_staff["admin"]).username == "pembaca")).one()


@pytest.mark.pdf
def test_every_route_of_every_sop_reads_as_words(client, auth, reader):
    cases, seen_paths = [], set()
    for version in deployed_processes():
        organisation = db.session.scalars(db.select(Organisation.code).where(
            Organisation.process_key == version.definition.key)).first()
        public = organisation if version.definition.key != "sop_004" else None
        for index, answers in enumerate(answer_sets(version)):
            case = walk(start(version, public), answers, organisation=organisation, extras=index == 0)
            path = (version.definition.key, tuple(sorted(set(db.session.scalars(
                db.select(AuditEvent.element_id).where(AuditEvent.case_id == case.id,
                                                       AuditEvent.element_id.is_not(None)))))))
            if path not in seen_paths:  # one case per distinct route is checked
                seen_paths.add(path)
                cases.append(case.id)
    assert len({key for key, _ in seen_paths}) == 5 and len(cases) >= 15

    auth.login("pembaca")
    headers = bearer(client, "pembaca")
    problems = {}
    for case_id in cases:
        case = db.session.get(Case, case_id)
        actions = set(db.session.scalars(db.select(AuditEvent.action).where(AuditEvent.case_id == case_id)))
        page = client.get(f"/kasus/{case_id}")
        assert page.status_code == 200
        page_text = _visible_text(page.get_data(as_text=True), "<h1>")
        items = client.get(f"/api/v1/cases/{case_id}/events", headers=headers).json["items"]
        api_text = "\n".join(f"{item['at_local']} {item['text']}" for item in items)
        pdf = render_case_pdf(case=case, viewer=reader)
        pdf_text = "\n".join(p.extract_text() for p in PdfReader(io.BytesIO(pdf)).pages)
        for where, text in (("page", page_text), ("api", api_text), ("pdf", pdf_text)):
            if found := _problems(text, actions):
                problems[(case.tracking_number, where)] = sorted(set(found))
        assert all(item["text"] for item in items)
    assert problems == {}


def test_labels_times_and_sizes_read_as_people_write_them(client, auth, reader):
    """A supervisory SOP 000 case: the decision is told by the form's and the table's
    labels with Ya/Tidak, times carry WIB, the file size is in KB with a decimal comma."""
    [version] = [v for v in deployed_processes() if v.definition.key == "sop_000"]
    case = walk(start(version, "bsn", evidence=PDF + b"%" * 25_000), {"logis": True, "berkadar_pengawasan": True, "kewenangan": True},
                organisation="bsn", extras=True)
    auth.login("pembaca")
    items = client.get(f"/api/v1/cases/{case.id}/events", headers=bearer(client, "pembaca")).json["items"]
    decision = next(item["text"] for item in items if item["action"] == "decision.evaluated")
    assert "Rute: Pengawasan" in decision and "Berkadar pengawasan?: Ya" in decision, decision
    assert all(item["at_local"].endswith(" WIB") for item in items)
    refresh()  # the test's requests share one app context, where Flask-Babel keeps its locale
    english = client.get(f"/api/v1/cases/{case.id}/events?lang=en", headers=bearer(client, "pembaca")).json["items"]
    assert any("Yes" in item["text"] for item in english if item["action"] == "decision.evaluated")
    refresh()
    page = _visible_text(client.get(f"/kasus/{case.id}").get_data(as_text=True), "<h1>")
    assert re.search(r"\d+,\d KB", page), page  # bukti.pdf, in KB with the Indonesian decimal comma
