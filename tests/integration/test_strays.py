"""`flask --app app data check-strays`: the waiting tasks no active account of their
organisation can work on, so an operator finds them before their deadline passes."""
from app.extensions import db
from app.models import Case, User
from app.services.casework.cases import complete_task
from app.services.casework.workflow_state import load_instance, save_instance
from tests.helpers.complaints import current_task_id, file_complaint

VERIFIED = {"lengkap": True, "lokasi_kasus": "Jakarta"}
REVIEW = {"inti_masalah": "Pungutan di luar tarif resmi.", "peraturan_terkait": "PP 94/2021.", "memo": "Ke unit.",
          "logis": True, "berkadar_pengawasan": False, "kewenangan": True}


def _reviewed(unit: str) -> Case:
    case = file_complaint()
    complete_task(task_id=current_task_id(case.id), data=VERIFIED, actor="admin")
    complete_task(task_id=current_task_id(case.id), data={**REVIEW, "unit_tujuan": unit}, actor="kepala")
    return _reload(case)


def _routed_before_the_fix(unit: str) -> Case:
    """What main accepted before choices were scoped: the review completed through the
    engine with another organisation's unit, as the unscoped check let it through."""
    case = file_complaint()
    complete_task(task_id=current_task_id(case.id), data=VERIFIED, actor="admin")
    case = _reload(case)
    instance = load_instance(case)
    steps = instance.complete_task(current_task_id(case.id), {**REVIEW, "unit_tujuan": unit})
    save_instance(case, instance, steps=steps[1:])
    db.session.commit()
    return _reload(case)


def _reload(case: Case) -> Case:
    db.session.expire_all()
    return db.session.get(Case, case.id)


def _lines(result) -> list[str]:
    return result.output.strip().splitlines()


def test_no_strays_exits_0(runner, staff):
    _reviewed("bsn-dpspk")  # the unit has an account: unit.dpspk
    file_complaint()  # waiting for the admin
    result = runner.invoke(args=["data", "check-strays"])
    assert (result.exit_code, _lines(result)) == (0, ["0 tugas tidak dapat dikerjakan siapa pun."])


def test_strays_are_listed_with_their_unit_and_organisation_and_exit_1(runner, staff):
    foreign = _routed_before_the_fix("dpmdppkb-kb")
    [task] = foreign.tasks
    assert (task.org_unit, task.role) == ("dpmdppkb-kb", "Unit Eselon II")
    nobody = _reviewed("bsn-dps")  # a BSN unit, but no account belongs to it
    gone = _reviewed("bsn-akreditasi")
    db.session.get(User, staff["unit.akreditasi"].id).active = False  # its only member left
    db.session.commit()
    _reviewed("bsn-dpspk")  # workable: not listed
    title = foreign.tasks[0].title

    result = runner.invoke(args=["data", "check-strays"])
    assert result.exit_code == 1
    assert _lines(result) == [
        f"{foreign.tracking_number}\t{title}\tUnit Eselon II\tBidang Keluarga Berencana (dpmdppkb-kb)\tbsn\t"
        "unit bukan milik instansi kasus; tidak ada akun aktif dengan peran dan unit ini",
        f"{nobody.tracking_number}\t{title}\tUnit Eselon II\tDeputi Bidang Pengembangan Standar (bsn-dps)\tbsn\t"
        "tidak ada akun aktif dengan peran dan unit ini",
        f"{gone.tracking_number}\t{title}\tUnit Eselon II\tDeputi Bidang Akreditasi (bsn-akreditasi)\tbsn\t"
        "tidak ada akun aktif dengan peran dan unit ini",
        "3 tugas tidak dapat dikerjakan siapa pun.",
    ]


def test_a_lane_nobody_of_the_organisation_holds_is_a_stray(runner, staff):
    case = file_complaint()  # waits for the Admin Inspektorat
    db.session.get(User, staff["admin"].id).active = False
    db.session.commit()
    result = runner.invoke(args=["data", "check-strays"])
    assert result.exit_code == 1
    [line, summary] = _lines(result)
    assert line.startswith(f"{case.tracking_number}\t") and "\tAdmin Inspektorat\t-\tbsn\t" in line
    assert line.endswith("tidak ada akun aktif dengan peran ini")
    assert summary == "1 tugas tidak dapat dikerjakan siapa pun."
