"""A complaint filed on /lapor and walked by the services to its answer, for the tracking
page's tests (tests/integration/test_tracking.py, test_abuse_limits.py)."""
import io

from app.extensions import db
from app.models import Case
from app.services.casework.cases import complete_task
from tests.helpers.complaints import COMPLAINANT, PDF

UNIT = "bsn-dpspk"

INTERNAL_NOTE = "Catatan internal: pelapor pernah mengadu tiga kali"


UNIT_REPORT = "Petugas loket Sdr. Joko sudah diperiksa oleh atasannya"


SUMMARY = "Pungutan dihentikan dan uang dikembalikan kepada pelapor."


STAFF = ("siti.verifikator", "bambang.kepala", "rina.unit", "dewi.admin")


def _file(client, *, organisation: str | None = None, attach: bool = True) -> tuple[str, str]:
    """A complaint filed on /lapor (to `organisation`, else the default one), with a PDF
    unless `attach` is false: its tracking number and access code as the receipt shows them."""
    data: dict = dict(COMPLAINANT)
    if organisation:
        data["instansi"] = organisation
    if attach:
        data["lampiran"] = [(io.BytesIO(PDF), "bukti.pdf", "application/pdf")]
    response = client.post("/lapor", data=data)
    assert response.status_code == 302
    with client.session_transaction() as session:
        receipt = session["complaint_receipt"]
    return receipt["tracking_number"], receipt["access_code"]


def _case(number: str) -> Case:
    db.session.expire_all()
    return db.session.scalars(db.select(Case).where(Case.tracking_number == number)).one()


def _work(number: str, element_id: str, data: dict, actor: str) -> Case:
    [task] = [t for t in _case(number).tasks if t.element_id == element_id]
    complete_task(task_id=task.engine_task_id, data=data, actor=actor)
    return _case(number)


def _page(client, number, code) -> str:
    response = client.post("/lacak", data={"tracking_number": number, "access_code": code})
    assert response.status_code == 200
    return response.get_data(as_text=True)


def _to_unit(number):
    _work(number, "tugas_verifikasi", {"lengkap": True, "lokasi_kasus": "Serpong", "catatan_verifikasi": INTERNAL_NOTE},
          STAFF[0])
    return _work(number, "tugas_telaah", {"inti_masalah": "Pungutan liar di loket.", "peraturan_terkait": "PP 94/2021",
                                          "memo": "Memo internal Kepala Inspektorat.", "logis": True,
                                          "berkadar_pengawasan": False, "kewenangan": True, "unit_tujuan": UNIT},
                 STAFF[1])


def _answered(number):
    _to_unit(number)
    _work(number, "tugas_tindak_lanjut_unit", {"laporan_tindak_lanjut": UNIT_REPORT}, STAFF[2])
    return _work(number, "tugas_penyelesaian", {"ringkasan_untuk_pengadu": SUMMARY}, STAFF[3])
