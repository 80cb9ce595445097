"""Demo data for the embedded default: a few complaints at different steps of SOP 000."""
from pathlib import Path

from app.extensions import db
from app.models import Case
from app.services.cases import complete_task, start_case
from app.services.processes import deploy_directory

DEMO_ACTOR = "demo"

# Each demo case: title, then the form data of the tasks to complete in order.
_DEMO_CASES = [
    ("Pungutan di loket layanan sertifikasi", []),
    (
        "Keterlambatan penerbitan sertifikat SNI",
        [{"lengkap": True, "lokasi_kasus": "Jakarta"}],
    ),
    (
        "Dugaan penyalahgunaan wewenang pengadaan",
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


def seed_demo(models_dir: Path) -> int:
    """Deploy the models and, on an empty database, create the demo cases. Returns how many."""
    deploy_directory(models_dir, deployed_by=DEMO_ACTOR)
    if db.session.scalar(db.select(db.func.count(Case.id))):
        return 0
    for title, steps in _DEMO_CASES:
        case = start_case(process_key="sop_000", data={"jenis": "pengaduan"}, title=title, actor="pengadu")
        for form_data in steps:
            complete_task(task_id=case.tasks[0].engine_task_id, data=form_data, actor=DEMO_ACTOR)
    return len(_DEMO_CASES)
