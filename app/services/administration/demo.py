"""Demo data for the embedded default: units, one account per staff role, and a few
complaints at different steps of SOP 000. Passwords are public: demo only."""
from pathlib import Path

from app.extensions import db
from app.models import Case, User
from app.services.casework.cases import complete_task
from app.services.definitions.processes import deploy_directory, latest_version
from app.services.intake.complaints import Upload, submit_complaint
from app.services.organisation.accounts import (
    PROCESS_OWNER_ROLE,
    SYSTEM_ADMIN_ROLE,
    all_units,
    create_user,
    ensure_system_roles,
    ensure_unit,
)
from app.services.organisation.organisations import all_organisations, ensure_known_organisations
from app.services.organisation.signatory import ensure_demo_signatories

DEMO_PASSWORD = "dumas-demo"
DEMO_ACTOR = "demo"
ORGANISATION = "bsn"
UNITS = [
    ("bsn-sestama", "Sekretariat Utama"),
    ("bsn-dps", "Deputi Bidang Pengembangan Standar"),
    ("bsn-dpspk", "Deputi Bidang Penerapan Standar dan Penilaian Kesesuaian"),
    ("bsn-akreditasi", "Deputi Bidang Akreditasi"),
]
# Units of the other SOPs' organisations that their tables and forms route to; a demo
# account of a unit-scoped lane belongs to its organisation's first unit by name.
OTHER_UNITS: list[tuple[str, str, str]] = [
    ("katingan-dpmd", "Dinas Pemberdayaan Masyarakat dan Desa", "katingan"),
    ("dpmdppkb-pemdes", "Bidang Pemerintahan Desa", "dpmdppkb"),
    ("dpmdppkb-kb", "Bidang Keluarga Berencana", "dpmdppkb"),
    ("bps-kaltim-umum", "Bagian Umum", "bps-kaltim"),
    ("bps-kaltim-statistik-sosial", "Fungsi Statistik Sosial", "bps-kaltim"),
    ("bps-kaltim-statistik-produksi", "Fungsi Statistik Produksi", "bps-kaltim"),
    ("bps-kaltim-distribusi", "Fungsi Statistik Distribusi", "bps-kaltim"),
    ("bps-kaltim-neraca", "Fungsi Neraca Wilayah dan Analisis Statistik", "bps-kaltim"),
    ("bps-kaltim-ipds", "Fungsi Integrasi Pengolahan dan Diseminasi Statistik", "bps-kaltim"),
]
# username, role, unit (all of organisation bsn)
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


# Lanes that are the complainant: no staff account.
COMPLAINANT_LANES = {"Pengadu", "Pelapor"}


def _slug(text: str) -> str:
    return "-".join("".join(c if c.isalnum() else " " for c in text.lower()).split())


def other_sop_accounts() -> list[tuple[str, str, str, str | None]]:
    """(username, role, organisation, unit) for every staff lane of every other hosted
    SOP: `<organisation>.<lane>`, e.g. `katingan.inspektur`. A unit-scoped lane's account
    belongs to the organisation's first unit."""
    accounts = []
    for organisation in all_organisations():
        if not organisation.hosted or organisation.code == ORGANISATION:
            continue
        version = latest_version(process_key=organisation.process_key or "")
        if version is None:
            continue
        units = [u.code for u in all_units() if u.organisation == organisation.code]
        for lane in version.lanes:
            if lane in COMPLAINANT_LANES:
                continue
            unit = units[0] if lane in (version.unit_scoped_lanes or []) and units else None
            accounts.append((f"{organisation.code}.{_slug(lane)}", lane, organisation.code, unit))
    return accounts


def seed_reference_data() -> None:
    """The shipped organisations and the demo units their forms and tables route to."""
    ensure_known_organisations()
    ensure_demo_signatories()
    for code, name in UNITS:
        ensure_unit(code=code, name=name, organisation=ORGANISATION)
    for code, name, organisation in OTHER_UNITS:
        ensure_unit(code=code, name=name, organisation=organisation)


def seed_demo(models_dir: Path) -> int:
    """Deploy the models and, on an empty database, create the demo data. Returns how
    many demo cases were created."""
    seed_reference_data()
    deploy_directory(models_dir, deployed_by=DEMO_ACTOR)
    if db.session.scalar(db.select(db.func.count(User.id))) == 0:
        for username, role, unit in ACCOUNTS:
            create_user(username=username, password=DEMO_PASSWORD, roles=[role], unit_code=unit,
                        full_name=username, organisation_code=ORGANISATION)
        ensure_system_roles()
        create_user(username="sysadmin", password=DEMO_PASSWORD, roles=[SYSTEM_ADMIN_ROLE], full_name="sysadmin")
        create_user(username="pemilik", password=DEMO_PASSWORD, roles=[PROCESS_OWNER_ROLE], full_name="pemilik")
        for username, role, organisation, unit in other_sop_accounts():
            create_user(username=username, password=DEMO_PASSWORD, roles=[role], unit_code=unit,
                        full_name=username, organisation_code=organisation)
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
