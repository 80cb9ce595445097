"""The English catalogue is complete where people read it: every page a reader with every
role can open (cases of every SOP walked by tests/integration/route_walk.py, their tasks,
the public tracking page) and every mail, rendered in English, shows no Indonesian source
string whose English differs; rendered in Indonesian, no such English text.

A source string is looked for by its literal pieces of 12 characters or more (the text
between its %(name)s parameters and tags), in the visible text of the page (tags,
scripts and styles removed; titles, placeholders and alt texts kept)."""
import html
import json
import re
from pathlib import Path

import pytest
from babel.messages.pofile import read_po
from flask import current_app
from flask_babel import force_locale, get_domain, refresh
from sqlalchemy import update

from app.extensions import db
from app.models import CaseStatus, Document, Notification, Organisation, OrgUnit, Role, TaskIndexEntry, User
from app.services.administration.demo import DEMO_PASSWORD
from app.services.casefile.email_render import render_email
from app.services.casework.cases import claim_task
from app.services.definitions.processes import deployed_processes
from app.services.intake.complaints import Upload, submit_complaint
from app.services.organisation.accounts import create_user, ensure_system_roles
from tests.helpers.complaints import COMPLAINANT, PDF, current_task_id, file_complaint
from tests.helpers.identity_helpers import bearer
from tests.helpers.route_walk import answer_sets, start, walk

ROOT = Path(__file__).resolve().parents[2]
CATALOGUE = ROOT / "app/translations/en/LC_MESSAGES/messages.po"
MIN_PIECE = 12
# Pages that are not HTML or JSON for a person to read, or that act rather than show.
SKIPPED_ENDPOINTS = {
    "static", "vendor.asset", "public.health", "auth.oidc_login", "auth.oidc_callback", "auth.set_password",
    "cases.pdf", "api.case_pdf", "cases.document", "register.export", "reports.download",
    "modeler.download_process", "modeler.download_decision", "versions.export_bpmn", "versions.export_dmn",
    "api.openapi", "cases.case_mail_original", "cases.mail_original", "cases.mailed_complaint",
    "modeler.edit_process", "modeler.edit_decision",  # the modeler's editor: a JavaScript application
}


def _pieces(text: str) -> list[str]:
    parts = re.split(r"%\(\w+\)[sd]|%[sd]|<[^>]+>", text)
    return [p for p in (" ".join(part.split()) for part in parts) if len(p) >= MIN_PIECE]


def _catalogue() -> tuple[dict[str, str], dict[str, str]]:
    """(Indonesian piece -> its msgid, English piece -> its msgid) of every entry whose
    English differs (or is missing); a piece found verbatim in the other language's text
    is left out."""
    with CATALOGUE.open("rb") as f:
        # An entry without English counts: its Indonesian would show on English pages.
        entries = [(m.id, m.string or "") for m in read_po(f) if m.id and isinstance(m.id, str)]
    indonesian, english = {}, {}
    for msgid, msgstr in entries:
        if msgid == msgstr:
            continue
        for piece in _pieces(msgid):
            if piece not in " ".join(msgstr.split()):
                indonesian[piece] = msgid
        for piece in _pieces(msgstr):
            if piece not in " ".join(msgid.split()):
                english[piece] = msgid
    return indonesian, english


def _visible(body: str, content_type: str) -> str:
    if content_type.startswith("application/json"):
        def strings(value):
            if isinstance(value, dict):
                return [s for v in value.values() for s in strings(v)]
            if isinstance(value, list):
                return [s for v in value for s in strings(v)]
            # Codes (`complaint.confidentiality_changed`, `sop_000`) are for programs.
            return [value] if isinstance(value, str) and not re.fullmatch(r"[\w.:/+@-]+", value) else []
        return "\n".join(strings(json.loads(body)))
    body = re.sub(r"<(script|style|template)\b.*?</\1>", " ", body, flags=re.S | re.I)
    shown = re.findall(r'\b(?:title|placeholder|alt|aria-label)="([^"]*)"', body)
    text = re.sub(r"<[^>]+>", " ", body)
    return " ".join(html.unescape(" ".join([text, *shown])).split())


def _model_texts() -> list[str]:
    """What the SOP models say in their own words (process, step and lane names, form
    labels, options and outputs; bilingual where the form file gives English), the
    agencies' case statuses (both languages, as data), and the mails as they were sent
    (in the complainant's language, shown as such on the outbox page): data, not the
    catalogue's. Longest first, to be cut out of a page."""
    texts: set[str] = set()

    def collect(value) -> None:
        if isinstance(value, dict):
            for item in value.values():
                collect(item)
        elif isinstance(value, list):
            for item in value:
                collect(item)
        elif isinstance(value, str) and len(value) >= MIN_PIECE:
            texts.add(" ".join(value.split()))

    for version in deployed_processes():
        collect(version.forms)
        collect(version.definition.name)
        collect([html.unescape(name) for name in re.findall(r'\bname="([^"]+)"', version.bpmn_xml)])
        for xml in (version.decision_files or {}).values():
            collect([html.unescape(t) for t in re.findall(r'\b(?:name|label)="([^"]+)"', xml)])
    for status in db.session.scalars(db.select(CaseStatus)):
        collect([status.label_id, status.label_en, status.description_id or "", status.description_en or ""])
    for notification in db.session.scalars(db.select(Notification)):
        collect([notification.subject, *notification.body.splitlines()])
    return sorted(texts, key=len, reverse=True)


def _leftovers(text: str, pieces: dict[str, str], model_texts: list[str] = ()) -> set[str]:
    for model_text in model_texts:
        text = text.replace(model_text, " ")
    return {msgid for piece, msgid in pieces.items() if piece in text}


@pytest.fixture
def reader(every_staff):
    """A national account holding every role, who may open every staff page."""
    ensure_system_roles()
    roles = sorted(db.session.scalars(db.select(Role.name)))
    return create_user(username="pembaca", password=DEMO_PASSWORD, roles=roles, unit_code=None,
                       organisation_code=None)


def _scenario() -> dict:
    """One walked case per route of each SOP (finished ones) and one case per SOP left at
    its first task, plus a complaint whose complainant signs in to the tracking page."""
    cases = []
    for version in deployed_processes():
        organisation = db.session.scalars(db.select(Organisation.code).where(
            Organisation.process_key == version.definition.key)).first()
        public = organisation if version.definition.key != "sop_004" else None
        cases.append(start(version, public).id)
        for index, answers in enumerate(answer_sets(version)[:2]):
            cases.append(walk(start(version, public), answers, organisation=organisation, extras=index == 0).id)
    tracked, access_code = submit_complaint(raw={**COMPLAINANT, "instansi": "bsn"},
                                            uploads=[Upload("bukti.pdf", PDF)])
    return {"cases": cases, "tracked": tracked, "access_code": access_code}


def _urls(scenario: dict, reader: User) -> list[str]:
    """A GET address of every page, its parameters filled from the scenario."""
    case_ids = scenario["cases"]
    tasks = list(db.session.scalars(db.select(TaskIndexEntry.engine_task_id).where(
        TaskIndexEntry.case_id.in_(case_ids)).limit(5)))
    document = db.session.scalars(db.select(Document)).first()
    version = deployed_processes()[0]
    values = {
        "user_id": [reader.id], "case_id": case_ids, "task_id": tasks, "key": [version.definition.key],
        "number": [version.number], "tracking_number": [scenario["tracked"].tracking_number],
        "document_id": [document.id] if document else [],
    }
    per_endpoint = {
        "admin.unit": {"code": [db.session.scalars(db.select(OrgUnit.code)).first()]},
        "admin.organisation": {"code": ["bsn"]}, "modeler.organisation_settings": {"code": ["bsn"]},
    }
    urls = []
    for rule in current_app.url_map.iter_rules():
        if "GET" not in rule.methods or rule.endpoint in SKIPPED_ENDPOINTS:
            continue
        given = {**values, **per_endpoint.get(rule.endpoint, {})}
        if any(not given.get(arg) for arg in rule.arguments):
            continue
        many = [arg for arg in rule.arguments if len(given[arg]) > 1]
        for index in range(max((len(given[arg]) for arg in many), default=1)):
            args = {arg: given[arg][index % len(given[arg])] for arg in rule.arguments}
            urls.append(rule.build(args, append_unknown=False)[1])
    return sorted(set(urls))


def _mails() -> dict[str, dict]:
    """Every mail template, with what its sender gives it."""
    context = {
        "tracking_number": "DUMAS-2026-000123", "title": "Jalan rusak", "status_label": "Selesai",
        "status_description": "", "final_status": "selesai", "missing": "fotokopi KTP",
        "track_url": "https://dumas.example/lacak?nomor=DUMAS-2026-000123", "reply_enabled": True,
        "name": "Budi", "head": "Kepala", "tasks": [], "reason": "cuti", "inbox_url": "https://dumas.example/tugas",
        "username": "budi", "link": "https://dumas.example/akun/atur-sandi/x", "hours": 24, "day": "2026-12-04",
        "new_tasks": [], "due_tasks": [], "due_days": 2, "rating": 5, "comment": "", "reason_text": "",
    }
    templates = sorted(p.stem for p in (ROOT / "app/templates/email").glob("*.jinja") if not p.name.startswith("_"))
    return dict.fromkeys(templates, context)


def _read(client, url: str, lang: str, headers: dict) -> tuple[int, str]:
    refresh()  # the test's requests share one app context, where Flask-Babel keeps its locale
    with client.session_transaction() as session:
        session.pop("_flashes", None)  # a message flashed by the page before, in its language
    response = client.get(url + ("&" if "?" in url else "?") + f"lang={lang}", headers=headers)
    if response.status_code != 200 or not response.content_type.startswith(("text/html", "application/json")):
        return response.status_code, ""
    return 200, _visible(response.get_data(as_text=True), response.content_type)


def test_english_pages_and_mails_show_no_indonesian_source_text_and_the_reverse(client, auth, reader):
    indonesian, english = _catalogue()
    scenario = _scenario()
    model_texts = _model_texts()
    urls = _urls(scenario, reader)
    auth.login("pembaca")
    api = bearer(client, "pembaca")
    problems: dict[str, set[str]] = {}
    shown = 0
    for url in urls:
        headers = api if url.startswith("/api/") else {}
        for lang, pieces in (("en", indonesian), ("id", english)):
            status, text = _read(client, url, lang, headers)
            shown += status == 200
            if found := _leftovers(text, pieces, model_texts):
                problems[f"{lang} {url}"] = found
    auth.logout()
    client.post("/lacak", data={"tracking_number": scenario["tracked"].tracking_number,
                                "access_code": scenario["access_code"]})
    for url in ("/", "/lapor", "/lacak", "/lacak/pengaduan", "/masuk"):
        for lang, pieces in (("en", indonesian), ("id", english)):
            status, text = _read(client, url, lang, {})
            assert status == 200, url
            if found := _leftovers(text, pieces, model_texts):
                problems[f"{lang} {url} (public)"] = found
    for name, context in _mails().items():
        for lang, pieces in (("en", indonesian), ("id", english)):
            mail = render_email(name, lang=lang, agency="BSN", **context)
            text = " ".join(" ".join([mail.subject, mail.text, _visible(mail.html, "text/html")]).split())
            if found := _leftovers(text, pieces, model_texts):
                problems[f"{lang} mail {name}"] = found
    assert shown >= 120, f"only {shown} pages rendered of {len(urls)} addresses, in two languages"
    assert not problems, json.dumps(_by_text(problems), indent=1, ensure_ascii=False)


def _by_text(problems: dict[str, set[str]]) -> dict[str, list[str]]:
    """Each text left in the wrong language, with (a few of) the places that show it."""
    places: dict[str, list[str]] = {}
    for place, texts in sorted(problems.items()):
        for text in texts:
            places.setdefault(text, []).append(place)
    return {text: where[:3] + ([f"... {len(where)} in all"] if len(where) > 3 else []) for text, where in places.items()}


def test_a_missing_english_translation_is_found(client, sop_models, monkeypatch):
    """The check above fails on an English page that shows one untranslated string: the
    public form's "Jenis laporan" with its English taken out of the loaded catalogue."""
    indonesian, _ = _catalogue()
    assert not _leftovers(_read(client, "/lapor", "en", {})[1], indonesian)
    with force_locale("en"):
        english = get_domain().get_translations()
    monkeypatch.delitem(english._catalog, "Jenis laporan")
    text = _read(client, "/lapor", "en", {})[1]
    assert "Type of report" not in text
    assert _leftovers(text, indonesian) == {"Jenis laporan"}


def test_a_service_error_is_shown_in_the_readers_language(client, auth, staff):
    """ConflictError carries a lazy message: the page translates it when it shows it."""
    case = file_complaint()
    task_id = current_task_id(case.id)
    claim_task(task_id=task_id, actor="admin")
    auth.login("admin")
    with db.engine.begin() as other_person:  # someone else holds it now
        other_person.execute(update(TaskIndexEntry).where(TaskIndexEntry.engine_task_id == task_id)
                             .values(claimed_by="tatausaha"))
    for lang, expected in (("en", "Only the person who claimed this task can release it."),
                           ("id", "Hanya yang mengambil tugas ini yang dapat melepaskannya.")):
        refresh()
        page = client.post(f"/tugas/{task_id}/lepas?lang={lang}", follow_redirects=True)
        assert expected in html.unescape(page.get_data(as_text=True))
