"""Demo data for the embedded default: units, one account per staff role, and a few
complaints at different steps of SOP 000. Passwords are public: demo only."""
from pathlib import Path

from app.extensions import db
from app.models import Case, User
from app.services.accounts import create_user, ensure_unit
from app.services.cases import complete_task
from app.services.complaints import Upload, submit_complaint
from app.services.processes import deploy_directory

DEMO_PASSWORD = "dumas-demo"
DEMO_ACTOR = "demo"
ORGANISATION = "BSN"
UNITS = [
    ("bsn-sestama", "Sekretariat Utama"),
    ("bsn-dps", "Deputi Bidang Pengembangan Standar"),
    ("bsn-dpspk", "Deputi Bidang Penerapan Standar dan Penilaian Kesesuaian"),
    ("bsn-akreditasi", "Deputi Bidang Akreditasi"),
]
# username, role, unit
ACCOUNTS = [
    ("admin", "Admin Inspektorat", None),
    ("kepala", "Kepala Inspektorat", None),
    ("tatausaha", "Tata Usaha Inspektorat", None),
    ("unit.dpspk", "Unit Eselon II", "bsn-dpspk"),
    ("unit.akreditasi", "Unit Eselon II", "bsn-akreditasi"),
    ("instansi", "Instansi Lain", None),
    ("kepalabsn", "Kepala BSN", None),
]
_COMPLAINANT = {
    "nama_lengkap": "Siti Rahmawati",
    "nik": "3171014506900002",
    "email": "siti.rahmawati@example.id",
    "no_hp": "081234567890",
    "pekerjaan": "Wiraswasta",
    "alamat": "Jl. Melati No. 5, Jakarta Pusat",
    "jenis": "pengaduan",
    "lokasi_kejadian": "Kantor layanan BSN, Jakarta",
    "terlapor": "Petugas loket layanan",
}
# Each demo case: title, description, then the form data of the tasks to complete in order.
_DEMO_CASES = [
    ("Pungutan di loket layanan sertifikasi", "Petugas meminta uang tambahan di luar tarif resmi.", []),
    (
        "Keterlambatan penerbitan sertifikat SNI",
        "Sertifikat belum terbit tiga bulan setelah audit selesai.",
        [{"lengkap": True, "lokasi_kasus": "Jakarta"}],
    ),
    (
        "Dugaan penyalahgunaan wewenang pengadaan",
        "Pemenang lelang diduga sudah ditentukan sebelum pengumuman.",
        [
            {"lengkap": True, "lokasi_kasus": "Serpong"},
            {
                "inti_masalah": "Dugaan pengaturan pemenang lelang.",
                "peraturan_terkait": "Perpres 16/2018 tentang Pengadaan Barang/Jasa Pemerintah.",
                "logis": True,
                "berkadar_pengawasan": True,
                "kewenangan": True,
                "memo": "Disalurkan ke Tata Usaha Inspektorat untuk tindak lanjut pengawasan.",
            },
        ],
    ),
]
_EVIDENCE = b"%PDF-1.4\n1 0 obj<</Type/Catalog>>endobj\ntrailer<</Root 1 0 R>>\n%%EOF\n"


def seed_demo(models_dir: Path) -> int:
    """Deploy the models and, on an empty database, create the demo data. Returns how
    many demo cases were created."""
    deploy_directory(models_dir, deployed_by=DEMO_ACTOR)
    for code, name in UNITS:
        ensure_unit(code=code, name=name, organisation=ORGANISATION)
    if db.session.scalar(db.select(db.func.count(User.id))) == 0:
        for username, role, unit in ACCOUNTS:
            create_user(username=username, password=DEMO_PASSWORD, roles=[role], unit_code=unit, full_name=username)
    if db.session.scalar(db.select(db.func.count(Case.id))):
        return 0
    for title, description, steps in _DEMO_CASES:
        case, _ = submit_complaint(
            raw={**_COMPLAINANT, "judul": title, "uraian": description},
            uploads=[Upload("bukti.pdf", _EVIDENCE)],
        )
        for form_data in steps:
            complete_task(task_id=case.tasks[0].engine_task_id, data=form_data, actor=DEMO_ACTOR)
    return len(_DEMO_CASES)
