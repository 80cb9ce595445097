"""SOP 001 (Katingan) on the tracking page: after the Inspektorat sends the follow-up
report, the reporter may object; the objection reaches the Inspektur with its deadline and
his answer is what the reporter reads."""

from app.engine.scripts import add_working_days
from app.models import Case
from app.services.casework.cases import complete_task
from tests.helpers.tracking import _case
from tests.helpers.tracking import _file as file_on_form

REPORT = "Kepala desa diberi sanksi; potongan dikembalikan kepada penerima."
ANSWER = "Pengembalian dana diperiksa ulang oleh Inspektur; sisa dana dikembalikan minggu ini."
INTERNAL = "Catatan internal Inspektur: kepala desa sudah dua kali ditegur"


def _file(client) -> tuple[str, str]:
    return file_on_form(client, organisation="katingan")


def _work(number: str, element_id: str, data: dict) -> Case:
    [task] = [t for t in _case(number).tasks if t.element_id == element_id]
    complete_task(task_id=task.engine_task_id, data=data, actor="petugas")
    return _case(number)


def _reported(number: str) -> Case:
    """The supervisory path, up to the report sent to the reporter (step 7)."""
    _work(number, "tugas_verifikasi", {"lengkap": True, "terlapor": "kepala_desa", "lokasi_kasus": "Katingan Tengah"})
    _work(number, "tugas_telaah", {"inti_masalah": "Pemotongan BLT.", "peraturan_terkait": "Permendesa 7/2023",
                                   "hasil_penelaahan": "Berkadar pengawasan.", "logis": True,
                                   "berkadar_pengawasan": True, "kewenangan": True})
    _work(number, "tugas_tindak_lanjut_pengawasan", {"kegiatan": ["klarifikasi"], "hasil_tindak_lanjut": "Terbukti."})
    _work(number, "tugas_tanggapan_inspektur", {"bentuk_tindak_lanjut": "audit_tujuan_tertentu",
                                                "laporan_tindak_lanjut": "Audit dengan tujuan tertentu."})
    return _work(number, "tugas_penyampaian", {"ringkasan_untuk_pelapor": REPORT})


def test_a_reporter_objects_and_reads_the_inspekturs_answer(client, sop_models):
    number, code = _file(client)
    case = _reported(number)
    assert (case.completed, case.status) == (False, "jawaban_disampaikan")
    html = client.post("/lacak", data={"tracking_number": number, "access_code": code}).get_data(as_text=True)
    assert REPORT in html and 'action="/lacak/pengaduan/keberatan"' in html

    response = client.post("/lacak/pengaduan/keberatan", data={"alasan": "Dana belum kembali seluruhnya."})
    assert response.status_code == 302
    case = _case(number)
    [task] = case.tasks
    assert (task.element_id, task.lane, task.form_key, case.status) == (
        "tugas_keberatan", "Inspektur", "penanganan_keberatan_001", "keberatan")
    assert (task.due_at, task.extend_role) == (add_working_days(task.created_at, 10), "Inspektur")

    case = _work(number, "tugas_keberatan", {"keberatan_diterima": True, "tanggapan_keberatan": ANSWER,
                                             "catatan_internal_keberatan": INTERNAL})
    assert (case.completed, case.status) == (True, "selesai")
    html = client.get("/lacak/pengaduan").get_data(as_text=True)
    assert ANSWER in html and "Tanggapan atas keberatan pelapor" in html
    assert INTERNAL not in html
