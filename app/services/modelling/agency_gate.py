"""The deploy gate's checks of what a diagram shares with its agency's data: the statuses
it sets are known statuses (their words are data, app/services/definitions/statuses.py), and the
lanes the agency lets see a confidential identity or enter offline complaints
(app/services/organisation/organisations.py) are still lanes of the diagram; a report lane that is not
is a warning.

Each problem is (message, element id or None); messages are lazy strings, translated
where they are shown, as in deploy_gate.py.
"""
from flask_babel import lazy_gettext as _l

from app.extensions import db
from app.models import Organisation
from app.services.definitions.statuses import all_statuses

BPMN = "{http://www.omg.org/spec/BPMN/20100524/MODEL}"
CAMUNDA = "{http://camunda.org/schema/1.0/bpmn}"


def status_properties(root) -> list[tuple[str, str | None]]:
    """(status code, id of the element that sets it) for every `status` property."""
    found: list[tuple[str, str | None]] = []
    for prop in root.iter(f"{CAMUNDA}property"):
        if prop.get("name") != "status":
            continue
        owner = prop.getparent()
        while owner is not None and (owner.get("id") is None):
            owner = owner.getparent()
        found.append(((prop.get("value") or "").strip(), owner.get("id") if owner is not None else None))
    return found


def check_statuses(root, labels: dict[str, str]):
    """A status no page can put into words is refused (the tracking page would say only
    "Sedang diproses"); the process owner adds it at /admin/status first."""
    known = all_statuses()
    problems = []
    for code, element_id in status_properties(root):
        if code in known:
            continue
        element = labels.get(element_id or "", element_id or "")
        if not code:
            message = _l("Properti status pada %(element)s kosong. Isi dengan kode status yang dikenal, mis. "
                         "tindak_lanjut.", element=element)
        else:
            message = _l("Status \u201c%(status)s\u201d pada %(element)s belum dikenal: pengadu dan petugas tidak "
                         "akan melihat namanya. Tambahkan status ini dengan label bahasa Indonesia dan Inggris di "
                         "Model \u203a Status kasus (/admin/model/status), lalu terapkan lagi; atau pakai status yang ada.",
                         status=code, element=element)
        problems.append((message, element_id))
    return problems


def check_agency_lanes(process_key: str, lanes: dict[str, str]):
    """The running organisation's identity and intake lanes must be lanes of the new
    diagram: a renamed or removed lane would silently let nobody see a confidential
    reporter or enter an offline complaint."""
    organisation = db.session.scalars(db.select(Organisation).where(Organisation.process_key == process_key)).first()
    if organisation is None:
        return []
    problems = []
    for lane in organisation.identity_lanes or []:
        if lane not in lanes:
            problems.append((_l(
                "Instansi %(org)s mengizinkan jalur \u201c%(lane)s\u201d melihat identitas pelapor rahasia, tetapi "
                "diagram ini tidak punya jalur itu. Kembalikan jalurnya, atau ubah \u201cJalur yang melihat identitas "
                "pelapor rahasia\u201d di Admin \u203a Instansi (/admin/instansi/%(code)s) dulu.",
                org=organisation.name, lane=lane, code=organisation.code), None))
    for lane in organisation.intake_lanes or []:
        if lane not in lanes:
            problems.append((_l(
                "Instansi %(org)s mengizinkan jalur \u201c%(lane)s\u201d mencatat pengaduan luring, tetapi diagram ini "
                "tidak punya jalur itu. Kembalikan jalurnya, atau ubah \u201cJalur yang mencatat pengaduan luring\u201d "
                "di Admin \u203a Instansi (/admin/instansi/%(code)s) dulu.",
                org=organisation.name, lane=lane, code=organisation.code), None))
    return problems


def report_lane_warnings(process_key: str, lanes: dict[str, str]):
    """A report lane the new diagram lacks only means nobody in it reads the half-yearly
    report any more: said as a suggestion, not a refusal (the report is still made)."""
    organisation = db.session.scalars(db.select(Organisation).where(Organisation.process_key == process_key)).first()
    if organisation is None:
        return []
    problems = []
    for lane in organisation.report_lanes or []:
        if lane not in lanes:
            problems.append((_l(
                "Instansi %(org)s mengizinkan jalur \u201c%(lane)s\u201d membaca laporan semesteran, tetapi diagram "
                "ini tidak punya jalur itu: tanpanya tidak ada yang membaca laporan lewat jalur itu. Perbarui "
                "\u201cJalur yang menyusun atau menerima laporan semesteran\u201d di Admin \u203a Instansi "
                "(/admin/instansi/%(code)s).",
                org=organisation.name, lane=lane, code=organisation.code), None))
    return problems
