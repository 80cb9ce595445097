"""SOP 002 (DPMDPPKB via SP4N-LAPOR!) walked through the service layer: every path of
the diagram to its end, and every rule of its two tables (klasifikasi_002, tenggat_002),
on both databases."""
import itertools
from datetime import datetime, timedelta, timezone

import pytest

from app.engine.scripts import add_working_days
from app.extensions import db
from app.models import AuditEvent, Case, CaseRecord
from app.services.accounts import ensure_unit
from app.services.cases import complete_task, start_case
from app.services.events import deliver_message, fire_due_timers, move_deadline

PEJABAT_PENGELOLA = "Pejabat Pengelola Pengaduan"
ADMIN = "Admin Instansi"
PENGHUBUNG = "Pejabat Penghubung"
# Two divisions of DPMDPPKB, each with its liaison officer ("pejabat penghubung di
# lingkungan masing-masing berdasarkan kategori pengaduan", step 3 g).
UNIT_PEMDES = "dpmdppkb-pemdes"
UNIT_KB = "dpmdppkb-kb"

RECEIVED = {
    "kanal": "telepon",
    "tanggal_diterima": "2026-11-23",
    "ringkasan_pengaduan": "Dana desa tahap II belum cair, pelapor menanyakan alasannya.",
}
VERIFIED_BY_LIAISON = {
    "catatan_verifikasi_penghubung": "Identitas dan data dukung sesuai.",
    "anonim": False,
    "rahasia": False,
}


@pytest.fixture
def dpmdppkb(sop_models):
    for code, name in ((UNIT_PEMDES, "Bidang Pemerintahan Desa"), (UNIT_KB, "Bidang Keluarga Berencana")):
        ensure_unit(code=code, name=name, organisation="dpmdppkb")
    return sop_models["sop_002"]


def _review(
    *,
    jenis="pengaduan",
    lengkap=True,
    kewenangan=True,
    penyalahgunaan=False,
    direspon_admin=None,
    lintas_instansi=False,
    unit=UNIT_PEMDES,
) -> dict:
    """A valid review form: the decision inputs plus what the form requires with them."""
    data = {
        "jenis": jenis,
        "catatan_verifikasi": "Identitas pelapor jelas; substansi dan data dukung diperiksa.",
        "sifat_pengaduan": "indikasi_pelanggaran" if jenis == "pengaduan" else "bukan_keduanya",
        "subjek_pengaduan": "Pemerintah desa",
        "objek_pengaduan": "Pencairan dana desa",
        "anonim": False,
        "rahasia": False,
        "lengkap": lengkap,
        "kewenangan": kewenangan,
        "penyalahgunaan_aparatur": penyalahgunaan,
        "lintas_instansi": lintas_instansi,
    }
    if direspon_admin is not None:
        data["direspon_admin"] = direspon_admin
    if lengkap and kewenangan and not penyalahgunaan:
        data["unit_penghubung"] = unit
    if lintas_instansi:
        data["instansi_tembusan"] = "kemendagri"
    if not kewenangan:
        data["instansi_tujuan"] = "lapor-nasional"
    if penyalahgunaan:
        data["apip_tujuan"] = "apip"
    return data


def _liaison(*, kewenangan=True, normatif=False, berkadar_pengawasan=False, pemeriksaan_lapangan=False) -> dict:
    if not kewenangan:
        return {**VERIFIED_BY_LIAISON, "kewenangan_penghubung": False, "alasan_pengembalian": "Bukan bidang kami."}
    return {
        **VERIFIED_BY_LIAISON,
        "kewenangan_penghubung": True,
        "normatif": normatif,
        "berkadar_pengawasan": berkadar_pengawasan,
        "pemeriksaan_lapangan": pemeriksaan_lapangan,
    }


def _work(case: Case, *, element_id: str, lane: str, data: dict, actor: str, org_unit=None) -> Case:
    """Assert the case waits at exactly this task in this lane, then complete it."""
    db.session.expire_all()
    case = db.session.get(Case, case.id)
    [task] = case.tasks
    assert (task.element_id, task.lane, task.role, task.org_unit) == (element_id, lane, lane, org_unit)
    complete_task(task_id=task.engine_task_id, data=data, actor=actor)
    db.session.expire_all()
    return db.session.get(Case, case.id)


def _file(jenis="pengaduan") -> Case:
    return start_case(process_key="sop_002", data={"jenis": jenis}, title="Dana desa belum cair", actor="pengadu")


def _received(jenis="pengaduan") -> Case:
    """A complaint taken in by the officer (steps 1, 2 and 3 n), waiting for the admin's review."""
    case = _file(jenis)
    assert case.status == "diterima"
    case = _work(case, element_id="tugas_terima_catat", lane=PEJABAT_PENGELOLA, data=RECEIVED, actor="petugas")
    assert case.status == "penelaahan"
    return case


def _reviewed(case: Case, review: dict) -> Case:
    return _work(case, element_id="tugas_telaah_admin", lane=ADMIN, data=review, actor="admin")


def _audit(case: Case, action: str) -> list[AuditEvent]:
    return list(
        db.session.scalars(
            db.select(AuditEvent).where(AuditEvent.case_id == case.id, AuditEvent.action == action).order_by(AuditEvent.id)
        )
    )


def _reached(case: Case) -> list[str]:
    return [e.element_id for e in _audit(case, "event.reached")]


def _forwards(case: Case) -> list[tuple[str, str]]:
    return [(e.data_after["kind"], e.data_after["organisation"]) for e in _audit(case, "case.forwarded")]


def _decisions(case: Case, element_id: str) -> list[AuditEvent]:
    return [e for e in _audit(case, "decision.evaluated") if e.element_id == element_id]


def _closed(case: Case, status: str, end_event: str) -> None:
    assert (case.completed, case.status, case.tasks) == (True, status, [])
    assert _reached(case)[-1] == end_event


# -- every path to its end ------------------------------------------------------------


def test_the_officer_records_the_complaint_before_the_admin_reviews_it(dpmdppkb):
    # The start event stands in the officer's lane: staff start offline entries (3 n).
    assert dpmdppkb.start_lanes == [PEJABAT_PENGELOLA]
    assert dpmdppkb.unit_scoped_lanes == [PENGHUBUNG]
    case = _file()
    [task] = case.tasks
    assert (task.element_id, task.lane, case.status) == ("tugas_terima_catat", PEJABAT_PENGELOLA, "diterima")
    assert _reached(case) == ["ev_pengaduan_disampaikan"]
    case = _received()
    [record] = db.session.scalars(db.select(CaseRecord).where(CaseRecord.case_id == case.id)).all()
    assert record.title == "Pengaduan tercatat di SP4N-LAPOR!"
    assert {"label": "Kanal pengaduan", "value": "Telepon / call center"} in record.content


def test_an_aspiration_is_answered_directly_by_the_admin(dpmdppkb):
    case = _reviewed(_received("aspirasi"), _review(jenis="aspirasi", direspon_admin=True))
    assert case.status == "tindak_lanjut"
    case = _work(
        case,
        element_id="tugas_jawab_aspirasi",
        lane=ADMIN,
        data={"respon_admin": "Terima kasih; usulan dibahas pada musrenbang desa."},
        actor="admin",
    )
    _closed(case, "selesai", "ev_aspirasi_dijawab")
    assert _forwards(case) == []


def test_a_complete_complaint_is_verified_and_answered_by_the_liaison(dpmdppkb):
    case = _reviewed(_received(), _review())
    assert case.status == "tindak_lanjut"
    case = _work(
        case,
        element_id="tugas_verifikasi_penghubung",
        lane=PENGHUBUNG,
        org_unit=UNIT_PEMDES,
        data=_liaison(berkadar_pengawasan=True, pemeriksaan_lapangan=True),
        actor="penghubung.pemdes",
    )
    [decision] = _decisions(case, "tugas_tenggat")
    assert decision.data_after == {"kelas_tenggat": "60_hari_kerja", "tenggat_hari_kerja": 60}
    case = _work(
        case,
        element_id="tugas_respon_penghubung",
        lane=PENGHUBUNG,
        org_unit=UNIT_PEMDES,
        data={"respon": "Dana tahap II cair setelah laporan realisasi tahap I diterima."},
        actor="penghubung.pemdes",
    )
    _closed(case, "selesai", "ev_selesai")


def test_a_liaison_returns_what_is_not_theirs_and_the_admin_routes_it_again(dpmdppkb):
    case = _reviewed(_received(), _review(unit=UNIT_KB))
    case = _work(
        case,
        element_id="tugas_verifikasi_penghubung",
        lane=PENGHUBUNG,
        org_unit=UNIT_KB,
        data=_liaison(kewenangan=False),
        actor="penghubung.kb",
    )
    # Point 5: back to the Admin Instansi's review, through the merge before it.
    assert case.status == "penelaahan"
    assert _decisions(case, "tugas_tenggat") == []
    case = _reviewed(case, _review(unit=UNIT_PEMDES))
    case = _work(
        case,
        element_id="tugas_verifikasi_penghubung",
        lane=PENGHUBUNG,
        org_unit=UNIT_PEMDES,
        data=_liaison(normatif=True),
        actor="penghubung.pemdes",
    )
    case = _work(
        case,
        element_id="tugas_respon_penghubung",
        lane=PENGHUBUNG,
        org_unit=UNIT_PEMDES,
        data={"respon": "Dijawab dengan ketentuan Permendes."},
        actor="penghubung.pemdes",
    )
    _closed(case, "selesai", "ev_selesai")
    assert [d.data_after["rute"] for d in _decisions(case, "tugas_klasifikasi")] == ["penghubung", "penghubung"]


def test_a_returned_complaint_that_no_division_owns_goes_to_admin_nasional(dpmdppkb):
    case = _reviewed(_received(), _review())
    case = _work(
        case,
        element_id="tugas_verifikasi_penghubung",
        lane=PENGHUBUNG,
        org_unit=UNIT_PEMDES,
        data=_liaison(kewenangan=False),
        actor="penghubung.pemdes",
    )
    case = _reviewed(case, _review(kewenangan=False))
    _closed(case, "diteruskan_admin_nasional", "ev_diteruskan_admin_nasional")


def test_a_complaint_outside_dpmdppkb_authority_is_handed_to_admin_nasional(dpmdppkb):
    case = _reviewed(_received(), _review(kewenangan=False))
    _closed(case, "diteruskan_admin_nasional", "ev_diteruskan_admin_nasional")
    [end] = [e for e in _audit(case, "event.reached") if e.element_id == "ev_diteruskan_admin_nasional"]
    assert end.lane == "Admin Nasional"
    assert _forwards(case) == [("penerusan", "lapor-nasional")]


def test_misconduct_by_officials_is_handed_to_apip(dpmdppkb):
    case = _reviewed(_received(), _review(penyalahgunaan=True))
    _closed(case, "diteruskan_apip", "ev_diteruskan_apip")
    [end] = [e for e in _audit(case, "event.reached") if e.element_id == "ev_diteruskan_apip"]
    assert end.lane == "APIP"
    assert _forwards(case) == [("penerusan", "apip")]


def test_a_copy_goes_to_another_agency_and_the_case_goes_on(dpmdppkb):
    case = _reviewed(_received(), _review(lintas_instansi=True))
    assert "ev_tembusan" in _reached(case)
    assert _forwards(case) == [("tembusan", "kemendagri")]
    [task] = case.tasks
    assert (task.element_id, task.lane, task.org_unit, case.completed) == (
        "tugas_verifikasi_penghubung", PENGHUBUNG, UNIT_PEMDES, False
    )


def test_no_copy_is_sent_while_the_data_are_incomplete(dpmdppkb):
    case = _reviewed(_received(), _review(lengkap=False, lintas_instansi=True))
    assert "ev_tembusan" not in _reached(case)
    assert _forwards(case) == []
    [task] = case.tasks
    assert (task.element_id, task.lane, case.status) == ("tugas_minta_kelengkapan", ADMIN, "menunggu_kelengkapan")


def _waiting_for_data() -> Case:
    case = _reviewed(_received(), _review(lengkap=False))
    case = _work(
        case,
        element_id="tugas_minta_kelengkapan",
        lane=ADMIN,
        data={"data_yang_diminta": "Fotokopi KTP dan bukti pengajuan pencairan."},
        actor="admin",
    )
    assert (case.completed, case.status, case.tasks) == (False, "menunggu_kelengkapan", [])
    return case


def test_incomplete_data_are_asked_for_with_a_ten_working_day_deadline(dpmdppkb):
    before = datetime.now(timezone.utc)
    case = _waiting_for_data()
    assert case.timer.element_id == "ev_batas_kelengkapan"
    assert case.timer.due_at.astimezone(timezone.utc) == add_working_days(before, 10).astimezone(timezone.utc)


def test_the_complainant_answers_and_the_admin_reviews_again(dpmdppkb):
    case = _waiting_for_data()
    case = deliver_message(
        case_id=case.id,
        message="kelengkapan_diterima",
        payload={"keterangan": "KTP dan bukti pengajuan terlampir."},
        actor="pengadu",
    )
    db.session.expire_all()
    case = db.session.get(Case, case.id)
    [task] = case.tasks
    assert (task.element_id, task.lane, case.status, case.timer) == ("tugas_telaah_admin", ADMIN, "penelaahan", None)
    assert "ev_kelengkapan_diterima" in _reached(case)
    case = _reviewed(case, _review(jenis="aspirasi", direspon_admin=True))
    case = _work(case, element_id="tugas_jawab_aspirasi", lane=ADMIN, data={"respon_admin": "Dijawab."}, actor="admin")
    _closed(case, "selesai", "ev_aspirasi_dijawab")


def test_without_an_answer_in_ten_working_days_the_complaint_is_archived(dpmdppkb):
    case = _waiting_for_data()
    assert fire_due_timers() == 0
    move_deadline(
        case_id=case.id,
        element_id="ev_batas_kelengkapan",
        due_at=datetime.now(timezone.utc) - timedelta(minutes=1),
        reason="Uji: sepuluh hari kerja telah lewat.",
        actor="test",
    )
    assert fire_due_timers() == 1
    db.session.expire_all()
    case = db.session.get(Case, case.id)
    _closed(case, "diarsipkan", "ev_diarsipkan")
    assert "ev_kelengkapan_diterima" not in _reached(case)


# -- every rule of klasifikasi_002 ------------------------------------------------------

JENIS = ("pengaduan", "aspirasi", "permintaan_informasi")


def expected_route(jenis, lengkap, kewenangan, penyalahgunaan, direspon_admin) -> str:
    """The precedence the table documents, written out independently of it."""
    if not kewenangan:
        return "admin_nasional"  # l
    if penyalahgunaan:
        return "apip"  # m
    if not lengkap:
        return "minta_kelengkapan"  # j
    if jenis == "aspirasi" and direspon_admin:
        return "jawab_admin"  # h
    return "penghubung"  # g (and h: an aspiration the admin does not answer is forwarded)


FIRST_STOP = {
    "admin_nasional": (None, "diteruskan_admin_nasional"),
    "apip": (None, "diteruskan_apip"),
    "minta_kelengkapan": ("tugas_minta_kelengkapan", "menunggu_kelengkapan"),
    "jawab_admin": ("tugas_jawab_aspirasi", "tindak_lanjut"),
    "penghubung": ("tugas_verifikasi_penghubung", "tindak_lanjut"),
}
ROUTING_CASES = [
    (jenis, lengkap, kewenangan, penyalahgunaan, direspon)
    for jenis, lengkap, kewenangan, penyalahgunaan in itertools.product(JENIS, *[(True, False)] * 3)
    # direspon_admin is asked for aspirations only; otherwise the form leaves it out.
    for direspon in ((True, False) if jenis == "aspirasi" else (None,))
]


def test_the_routing_cases_cover_every_combination():
    assert len(ROUTING_CASES) == 8 + 8 + 8 * 2
    assert {expected_route(*c) for c in ROUTING_CASES} == set(FIRST_STOP)


@pytest.mark.parametrize(
    "jenis,lengkap,kewenangan,penyalahgunaan,direspon_admin",
    ROUTING_CASES,
    ids=lambda v: {True: "Y", False: "N", None: "-"}.get(v, v) if not isinstance(v, str) else v,
)
def test_every_routing_rule(dpmdppkb, jenis, lengkap, kewenangan, penyalahgunaan, direspon_admin):
    route = expected_route(jenis, lengkap, kewenangan, penyalahgunaan, direspon_admin)
    case = _reviewed(
        _received(jenis),
        _review(
            jenis=jenis, lengkap=lengkap, kewenangan=kewenangan, penyalahgunaan=penyalahgunaan, direspon_admin=direspon_admin
        ),
    )
    [decision] = _decisions(case, "tugas_klasifikasi")
    assert decision.data_before == {
        "kewenangan": kewenangan,
        "penyalahgunaan_aparatur": penyalahgunaan,
        "lengkap": lengkap,
        "jenis": jenis,
        "direspon_admin": direspon_admin,
    }
    assert decision.data_after == {"rute": route}
    element_id, status = FIRST_STOP[route]
    assert [t.element_id for t in case.tasks] == ([element_id] if element_id else [])
    assert (case.status, case.completed) == (status, element_id is None)


# -- every rule of tenggat_002 ------------------------------------------------------------


def expected_deadline(jenis, normatif, berkadar_pengawasan, pemeriksaan_lapangan) -> int:
    """Jangka waktu 1-3 with the precedence the table documents."""
    if jenis == "permintaan_informasi" or normatif:
        return 5  # 1: information requests and normative complaints
    if berkadar_pengawasan and pemeriksaan_lapangan:
        return 60  # 3
    return 14  # 2: not supervisory and/or no field inspection


@pytest.mark.parametrize(
    "jenis,normatif,berkadar,lapangan",
    list(itertools.product(JENIS, *[(True, False)] * 3)),
    ids=lambda v: {True: "Y", False: "N"}.get(v, v) if not isinstance(v, str) else v,
)
def test_every_deadline_rule(dpmdppkb, jenis, normatif, berkadar, lapangan):
    days = expected_deadline(jenis, normatif, berkadar, lapangan)
    case = _reviewed(_received(jenis), _review(jenis=jenis, direspon_admin=False if jenis == "aspirasi" else None))
    case = _work(
        case,
        element_id="tugas_verifikasi_penghubung",
        lane=PENGHUBUNG,
        org_unit=UNIT_PEMDES,
        data=_liaison(normatif=normatif, berkadar_pengawasan=berkadar, pemeriksaan_lapangan=lapangan),
        actor="penghubung.pemdes",
    )
    [decision] = _decisions(case, "tugas_tenggat")
    assert decision.data_before == {
        "jenis": jenis,
        "normatif": normatif,
        "berkadar_pengawasan": berkadar,
        "pemeriksaan_lapangan": lapangan,
    }
    assert decision.data_after == {"kelas_tenggat": f"{days}_hari_kerja", "tenggat_hari_kerja": days}
    [task] = case.tasks
    assert (task.element_id, task.lane, task.org_unit) == ("tugas_respon_penghubung", PENGHUBUNG, UNIT_PEMDES)
