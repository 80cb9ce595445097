"""The tracking page of a complaint through SOP 000, as its complainant sees it: the unit
and deadline, the follow-up report (its public part only), rating once, and an
objection that reopens the case to the Kepala Inspektorat; the API tells the same."""
import io
import re
from datetime import datetime, timedelta, timezone

from app.engine.scripts import add_working_days
from app.extensions import db
from app.models import AuditEvent, CaseRecord, Document, OrgUnit
from app.services.casework.events import move_deadline
from app.services.casework.timers import fire_case_timers
from app.services.intake.tracking import tracking_view
from tests.helpers.api import in_english
from tests.helpers.complaints import COMPLAINANT, PDF
from tests.helpers.tracking import (
    INTERNAL_NOTE,
    STAFF,
    SUMMARY,
    UNIT,
    UNIT_REPORT,
    _answered,
    _case,
    _file,
    _page,
    _to_unit,
    _work,
)

OBJECTION_ANSWER = "Keberatan diperiksa ulang; pengembalian uang dipercepat."
OBJECTION_NOTE = "Catatan keberatan untuk arsip internal"
API = "/api/v1"


def _assert_nothing_internal(html: str) -> None:
    for private in (*STAFF, INTERNAL_NOTE, UNIT_REPORT, "Memo internal", OBJECTION_NOTE, "tugas_", "Kepala Inspektorat",
                    COMPLAINANT["nik"], COMPLAINANT["email"], COMPLAINANT["alamat"]):
        assert private not in html, private


def test_the_page_names_the_unit_and_its_deadline_in_working_days(client, sop_models):
    number, code = _file(client)
    case = _to_unit(number)
    [task] = case.tasks
    html = _page(client, number, code)
    unit_name = db.session.get(OrgUnit, UNIT).name
    assert f"<dd>{unit_name}</dd>" in html
    assert f"Ditangani oleh {unit_name}" in re.findall(r"</time> ([^<]+)</li>", html)
    assert task.due_at == add_working_days(task.created_at, 14)
    assert "(14 hari kerja lagi)" in html
    _assert_nothing_internal(html)


def test_the_follow_up_report_shows_its_public_part_only(client, sop_models):
    number, code = _file(client)
    _answered(number)
    html = _page(client, number, code)
    assert '<p class="status-now">Hasil disampaikan</p>' in html
    assert "<h2>Laporan tindak lanjut kepada pengadu</h2>" in html and SUMMARY in html
    assert "Laporan tindak lanjut kepada pengadu" in re.findall(r"</time> ([^<]+)</li>", html)
    _assert_nothing_internal(html)
    # The staff record holds the internal text the page left out.
    records = {r.title: r for r in db.session.scalars(db.select(CaseRecord).where(CaseRecord.case_id == _case(number).id))}
    assert UNIT_REPORT in str(records["Laporan penanganan tindak lanjut"].content)


def test_the_complainant_rates_once(client, sop_models):
    number, code = _file(client)
    _page(client, number, code)
    refused = client.post("/lacak/pengaduan/penilaian", data={"nilai": "4"})
    assert refused.status_code == 409
    assert "Penilaian dapat diberikan setelah hasil tindak lanjut disampaikan." in refused.get_data(as_text=True)

    _answered(number)
    bad = client.post("/lacak/pengaduan/penilaian", data={"nilai": "9", "komentar": "x"})
    assert bad.status_code == 400 and "Pilih nilai 1 sampai 5." in bad.get_data(as_text=True)
    done = client.post("/lacak/pengaduan/penilaian", data={"nilai": "4", "komentar": "Cukup cepat."})
    assert done.status_code == 302 and done.headers["Location"].endswith("/lacak/pengaduan")
    html = client.get("/lacak/pengaduan").get_data(as_text=True)
    assert "Terima kasih atas penilaian Anda." in html and "Penilaian Anda: 4 dari 5." in html
    assert 'action="/lacak/pengaduan/penilaian"' not in html

    again = client.post("/lacak/pengaduan/penilaian", data={"nilai": "1"})
    assert again.status_code == 409 and "Anda sudah memberi penilaian" in again.get_data(as_text=True)
    events = db.session.scalars(db.select(AuditEvent).where(AuditEvent.action == "complainant.rated")).all()
    assert [(e.actor, e.data_after) for e in events] == [("pengadu", {"rating": 4, "comment": "Cukup cepat."})]


def test_an_objection_reopens_the_case_to_the_supervisor_with_a_deadline(client, sop_models):
    number, code = _file(client)
    _answered(number)
    html = _page(client, number, code)
    assert 'action="/lacak/pengaduan/keberatan"' in html and "10 hari kerja setelah hasil disampaikan" in html

    empty = client.post("/lacak/pengaduan/keberatan", data={"alasan": "  "})
    assert empty.status_code == 400 and "Wajib diisi." in empty.get_data(as_text=True)
    response = client.post("/lacak/pengaduan/keberatan", data={
        "alasan": "Uang belum dikembalikan.", "lampiran": [(io.BytesIO(PDF), "kuitansi.pdf", "application/pdf")]})
    assert response.status_code == 302

    case = _case(number)
    [task] = case.tasks
    assert (task.element_id, task.lane, case.status) == ("tugas_keberatan", "Kepala Inspektorat", "keberatan")
    assert task.due_at == add_working_days(task.created_at, 10)
    [objected] = db.session.scalars(db.select(AuditEvent).where(AuditEvent.action == "complainant.objected")).all()
    assert objected.data_after == {"reason": "Uang belum dikembalikan.", "files": ["kuitansi.pdf"]}
    assert db.session.scalars(db.select(Document.kind).where(Document.filename == "kuitansi.pdf")).all() == ["keberatan"]
    html = client.get("/lacak/pengaduan").get_data(as_text=True)
    assert "Keberatan Anda diterima" in html and 'action="/lacak/pengaduan/keberatan"' not in html

    twice = client.post("/lacak/pengaduan/keberatan", data={"alasan": "Lagi."})
    assert twice.status_code == 409 and "Keberatan tidak dapat diajukan lagi" in twice.get_data(as_text=True)
    assert len(db.session.scalars(db.select(AuditEvent).where(AuditEvent.action == "complainant.objected")).all()) == 1

    case = _work(number, "tugas_keberatan", {"keberatan_diterima": True, "tanggapan_keberatan": OBJECTION_ANSWER,
                                             "catatan_internal_keberatan": OBJECTION_NOTE}, STAFF[1])
    assert (case.completed, case.status) == (True, "selesai")
    html = client.get("/lacak/pengaduan").get_data(as_text=True)
    assert OBJECTION_ANSWER in html and "<h2>Tanggapan atas keberatan pengadu</h2>" in html
    _assert_nothing_internal(html)


def test_no_objection_once_the_period_is_over(client, sop_models):
    number, code = _file(client)
    case = _answered(number)
    move_deadline(case_id=case.id, element_id="ev_batas_keberatan", due_at=datetime.now(timezone.utc) - timedelta(minutes=1),
                  reason="Uji: masa keberatan lewat.", actor="test")
    assert fire_case_timers(case_id=case.id)
    html = _page(client, number, code)
    assert '<p class="status-now">Selesai</p>' in html and 'action="/lacak/pengaduan/keberatan"' not in html
    late = client.post("/lacak/pengaduan/keberatan", data={"alasan": "Terlambat."})
    assert late.status_code == 409 and "masa keberatan sudah lewat" in late.get_data(as_text=True)
    assert db.session.scalars(db.select(AuditEvent).where(AuditEvent.action == "complainant.objected")).all() == []


def test_replies_need_a_looked_up_case(client, sop_models):
    response = client.post("/lacak/pengaduan/keberatan", data={"alasan": "Siapa saya?"})
    assert response.status_code == 302 and response.headers["Location"].endswith("/lacak")
    number, code = _file(client)
    _page(client, number, code)
    client.post("/lacak/pengaduan/keluar")
    assert client.get("/lacak/pengaduan").status_code == 302


def test_the_api_tells_what_the_page_tells(client, sop_models):
    number, code = _file(client)
    _answered(number)
    client.post("/lacak", data={"tracking_number": number, "access_code": code})
    client.post("/lacak/pengaduan/penilaian", data={"nilai": "5"})
    body = client.get(f"{API}/complaints/{number}", headers={"X-Access-Code": code}).json
    view = tracking_view(case=_case(number), lang="id")
    assert body == view
    assert body["reports"][0]["content"] == [
        {"label": "Ringkasan untuk pengadu (kesimpulan dan/atau saran)", "value": SUMMARY}]
    assert body["rating"] == {"rating": 5, "comment": ""} and body["can_rate"] is False
    assert body["objection"]["open"] is True and body["objection"]["until"]
    events = [e["event"] for e in body["timeline"]]
    assert {"status:jawaban_disampaikan", "report:penyelesaian_000"} <= set(events) and events[-1] == "rated"
    _assert_nothing_internal(str(body))


def test_a_passed_deadline_is_said_plainly(client, sop_models):
    number, code = _file(client)
    case = _to_unit(number)
    move_deadline(case_id=case.id, element_id="tenggat_tugas_tindak_lanjut_unit",
                  due_at=datetime.now(timezone.utc) - timedelta(minutes=1), reason="Uji", actor="test")
    html = _page(client, number, code)
    assert "sudah lewat; atasan petugas telah diberi tahu" in html and "hari kerja lagi" not in html
    _assert_nothing_internal(html)


def test_the_api_takes_the_same_replies(client, sop_models):
    number, code = _file(client)
    headers = {"X-Access-Code": code}
    assert client.post(f"{API}/complaints/{number}/rating", json={"rating": 5}, headers={"X-Access-Code": "X"}
                       ).status_code == 404
    early = client.post(f"{API}/complaints/{number}/rating", json={"rating": 5}, headers=headers)
    assert early.status_code == 409 and early.json["message"].startswith("Penilaian dapat diberikan setelah")
    _answered(number)
    bad = in_english(client.post, f"{API}/complaints/{number}/rating", json={"rating": 0}, headers=headers)
    assert bad.status_code == 422 and bad.json["errors"] == {"rating": "Choose a rating from 1 to 5."}
    rated = client.post(f"{API}/complaints/{number}/rating", json={"rating": "3", "comment": "Lumayan."}, headers=headers)
    assert rated.status_code == 200 and rated.json["rating"] == {"rating": 3, "comment": "Lumayan."}
    assert client.post(f"{API}/complaints/{number}/rating", json={"rating": 4}, headers=headers).status_code == 409

    objected = client.post(f"{API}/complaints/{number}/objection", headers=headers, data={
        "text": "Belum tuntas.", "lampiran": [(io.BytesIO(PDF), "foto.pdf", "application/pdf")]})
    assert objected.status_code == 200 and objected.json["status"] == "keberatan"
    assert objected.json["objection"] == {"open": False, "until": None, "submitted": True}
    assert client.post(f"{API}/complaints/{number}/missing-data", json={"text": "x"}, headers=headers).status_code == 409
