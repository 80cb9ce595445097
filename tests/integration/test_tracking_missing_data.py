"""SOP 002 step 3 j: the admin asks for missing data, the complainant reads the request on
the tracking page and answers there with text and files; the answer reaches the waiting
workflow. An answer the case no longer waits for is refused and stores nothing. (No answer
in 10 working days archives the case: tests/processes/test_sop_002.py.)"""
import io

import pytest

from app.extensions import db
from app.models import AuditEvent, CaseRecord, Complaint, Document
from app.services.casework.cases import complete_task
from app.services.intake.complainant_replies import ReplyRefused, answer_missing_data
from app.services.intake.complaints import Upload
from app.services.intake.tracking import tracking_view
from tests.helpers.complaints import PDF
from tests.helpers.missing_data import MISSING, REVIEW
from tests.helpers.tracking import _case
from tests.helpers.tracking import _file as file_on_form


def _file(client) -> tuple[str, str]:
    return file_on_form(client, organisation="dpmdppkb", attach=False)


def _work(number, element_id, data, actor="admin.dpmdppkb"):
    [task] = [t for t in _case(number).tasks if t.element_id == element_id]
    complete_task(task_id=task.engine_task_id, data=data, actor=actor)
    return _case(number)


def _asked(client) -> tuple[str, str]:
    number, code = _file(client)
    _work(number, "tugas_terima_catat", {"kanal": "web", "tanggal_diterima": "2026-11-23",
                                         "ringkasan_pengaduan": "Dana desa belum cair."}, "petugas.dpmdppkb")
    _work(number, "tugas_telaah_admin", REVIEW)
    _work(number, "tugas_minta_kelengkapan", {"data_yang_diminta": MISSING})
    client.post("/lacak", data={"tracking_number": number, "access_code": code})
    return number, code


def _actions(number: str, action: str) -> list[AuditEvent]:
    return list(db.session.scalars(db.select(AuditEvent).where(
        AuditEvent.case_id == _case(number).id, AuditEvent.action == action)))


def _counts(number: str) -> tuple[int, int, int]:
    case_id = _case(number).id
    return tuple(db.session.scalar(db.select(db.func.count()).select_from(model).where(model.case_id == case_id))
                 for model in (Document, CaseRecord, AuditEvent))


def test_the_request_is_recorded_and_shown_on_the_tracking_page(client, sop_models):
    number, _ = _asked(client)
    [requested] = _actions(number, "complainant.info_requested")
    assert requested.data_after == {"missing": MISSING}
    html = client.get("/lacak/pengaduan").get_data(as_text=True)
    assert MISSING in html and 'action="/lacak/pengaduan/kelengkapan"' in html
    assert "Menunggu kelengkapan data dari Anda" in html and "Jawab paling lambat" in html
    assert "Catatan telaah rahasia admin" not in html and "admin.dpmdppkb" not in html


def test_the_answer_with_files_reaches_the_waiting_workflow(client, auth, every_staff, sop_models):
    number, _ = _asked(client)
    response = client.post("/lacak/pengaduan/kelengkapan", data={
        "jawaban": "KTP dan bukti pengajuan terlampir.",
        "lampiran": [(io.BytesIO(PDF), "ktp.pdf", "application/pdf"), (io.BytesIO(PDF), "pengajuan.pdf", "application/pdf")],
    })
    assert response.status_code == 302
    case = _case(number)
    [task] = case.tasks
    assert (task.element_id, case.status) == ("tugas_telaah_admin", "penelaahan")  # reviewed again, as 3 j says
    [answered] = _actions(number, "complainant.answered")
    assert answered.actor == "pengadu"
    assert answered.data_after == {"text": "KTP dan bukti pengajuan terlampir.", "files": ["ktp.pdf", "pengajuan.pdf"]}
    [message] = _actions(number, "message.received")
    assert message.detail == "kelengkapan_diterima" and message.data_after["nomor_pelacakan"] == number
    kinds = db.session.scalars(db.select(Document.kind).where(Document.case_id == case.id)).all()
    assert sorted(kinds) == ["kelengkapan", "kelengkapan"]
    record = db.session.scalars(db.select(CaseRecord).where(CaseRecord.title == "Kelengkapan data dari pengadu")).one()
    assert record.content[0] == {"label": "Jawaban pengadu", "value": "KTP dan bukti pengajuan terlampir."}
    html = client.get("/lacak/pengaduan").get_data(as_text=True)
    assert "Jawaban Anda sudah diterima" in html and "Kelengkapan data Anda diterima" in html
    assert 'action="/lacak/pengaduan/kelengkapan"' not in html
    assert tracking_view(case=case, lang="id")["missing_data_request"] is None
    # The admin reads the request and the answer in words on the case page.
    assert auth.login("dpmdppkb.admin-instansi").status_code == 302
    staff_page = client.get(f"/kasus/{case.id}").get_data(as_text=True)
    assert f"Kelengkapan data diminta dari pengadu: {MISSING}" in staff_page
    assert "Pengadu mengirim kelengkapan data: KTP dan bukti pengajuan terlampir." in staff_page


def test_a_bad_file_refuses_the_whole_answer(client, sop_models):
    number, _ = _asked(client)
    before = _counts(number)
    response = client.post("/lacak/pengaduan/kelengkapan", data={
        "jawaban": "Terlampir.", "lampiran": [(io.BytesIO(b"MZ\x90\x00 not a pdf"), "ktp.pdf", "application/pdf")]})
    assert response.status_code == 400
    assert "ktp.pdf: hanya PDF, JPG atau PNG yang diterima." in response.get_data(as_text=True)
    assert _counts(number) == before
    assert _case(number).status == "menunggu_kelengkapan"


def test_an_answer_the_case_no_longer_waits_for_stores_nothing(client, sop_models):
    number, _ = _asked(client)
    assert client.post("/lacak/pengaduan/kelengkapan", data={"jawaban": "Terlampir."}).status_code == 302
    before = _counts(number)
    late = client.post("/lacak/pengaduan/kelengkapan", data={
        "jawaban": "Sekali lagi.", "lampiran": [(io.BytesIO(PDF), "lagi.pdf", "application/pdf")]})
    assert late.status_code == 409
    assert "tidak sedang menunggu kelengkapan data dari Anda" in late.get_data(as_text=True)
    assert _counts(number) == before


def test_the_service_answers_in_english_too(client, sop_models):
    number, _ = _asked(client)
    complaint = db.session.scalars(db.select(Complaint).where(Complaint.case_id == _case(number).id)).one()
    with pytest.raises(ReplyRefused) as refused:
        answer_missing_data(complaint=complaint, text="", uploads=[Upload("a.pdf", b"")], lang="en")
    assert refused.value.errors == {"text": "This field is required.", "lampiran": "a.pdf: the file is empty."}
