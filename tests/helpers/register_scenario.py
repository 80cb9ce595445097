"""Cases of two organisations for the register tests: BSN cases waiting at the admin,
one routed to the dpspk unit (with a staff output), one confidential, one anonymous-free
telephone case; a Katingan case; and a national account."""
from dataclasses import dataclass

from app.extensions import db
from app.models import Case, TaskIndexEntry
from app.services.administration.demo import DEMO_PASSWORD
from app.services.casework.cases import complete_task
from app.services.organisation.accounts import create_user
from tests.helpers.complaints import current_task_id, file_complaint
from tests.helpers.identity_helpers import IDENTITY

VERIFIED = {"lengkap": True, "lokasi_kasus": "Jakarta"}
REVIEW_TO_UNIT = {
    "inti_masalah": "Dugaan gratifikasi berkedok tarif resmi.",
    "peraturan_terkait": "PP 94/2021 tentang Disiplin PNS.",
    "memo": "Disalurkan ke unit kerja.",
    "logis": True,
    "berkadar_pengawasan": False,
    "kewenangan": True,
    "unit_tujuan": "bsn-dpspk",
}


@dataclass
class Scenario:
    routed: Case  # BSN, routed to bsn-dpspk; its review memo mentions "gratifikasi"
    queue: Case  # BSN, waiting for verification; "sertifikasi" in its description
    secret: Case  # BSN, rahasia, the complainant of identity_helpers.IDENTITY
    katingan: Case

    def all(self) -> list[Case]:
        return [self.routed, self.queue, self.secret, self.katingan]


def build(every_staff) -> Scenario:
    routed = file_complaint(judul="Pungutan liar di loket", uraian="Petugas memungut biaya tambahan tanpa kuitansi.")
    complete_task(task_id=current_task_id(routed.id), data=VERIFIED, actor="admin")
    complete_task(task_id=current_task_id(routed.id), data=REVIEW_TO_UNIT, actor="kepala")
    queue = file_complaint(jenis="aspirasi", judul="Antrean lama",
                           uraian="Antrean pelayanan sertifikasi sangat lama di loket.", lokasi_kejadian="Serpong")
    secret = file_complaint(**IDENTITY, kerahasiaan="rahasia", judul="Biaya tambahan di loket",
                            uraian="Petugas meminta uang rokok.")
    katingan = file_complaint(instansi="katingan", judul="Dana desa", uraian="Penggunaan dana desa tidak transparan.")
    create_user(username="nasional", password=DEMO_PASSWORD, roles=["Kepala Inspektorat", "Inspektur"],
                organisation_code=None)
    db.session.commit()
    return Scenario(routed=routed, queue=queue, secret=secret, katingan=katingan)


def waiting_task(case: Case) -> TaskIndexEntry:
    db.session.expire_all()
    [task] = db.session.get(Case, case.id).tasks
    return task
