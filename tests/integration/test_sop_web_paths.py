"""One full path of each complaint SOP through the web app: a citizen files on /lapor
choosing the agency; then, task by task, the demo account of the task's lane signs in,
opens the task page and submits its form, until the case is closed.

The decision inputs of each path are given; every other required field is filled the way
a clerk would (text, the first option, today), from the form definition itself."""
from datetime import date

import pytest

from app.extensions import db
from app.models import Case, CaseRecord, OrgUnit
from app.services.administration.demo import _slug
from app.services.definitions.processes import version_forms
from tests.helpers.complaints import COMPLAINANT, let_objection_period_pass

PATHS = {
    # agency: (decision answers along the path, expected end status)
    "katingan": ({"lengkap": True, "logis": True, "berkadar_pengawasan": True, "kewenangan": True}, "selesai"),
    "dpmdppkb": ({"jenis": "pengaduan", "lengkap": True, "kewenangan": True, "penyalahgunaan_aparatur": False,
                  "lintas_instansi": False, "anonim": False, "rahasia": False}, "selesai"),
    "bps-kaltim": ({"lengkap": True, "kewenangan": True, "kategori": "administrasi_umum"}, "selesai"),
}


def _value(field: dict, answers: dict, organisation: str):
    name, kind = field["name"], field["type"]
    if name in answers:
        value = answers[name]
    elif kind == "boolean":
        value = True
    elif kind in ("choice", "multichoice"):
        value = field["options"][0]["value"]
    elif kind == "date":
        value = date.today().isoformat()
    elif kind == "integer":
        value = 1
    elif kind == "unit":  # the organisation's first unit by name, as its demo accounts
        value = db.session.scalars(db.select(OrgUnit.code).where(OrgUnit.organisation == organisation)
                                   .order_by(OrgUnit.name)).first()
    elif kind == "organisation":
        value = "ombudsman"
    else:
        value = f"Isian {field['name']} (uji web)"
    if isinstance(value, bool):
        return "ya" if value else "tidak"
    if kind == "multichoice" and not isinstance(value, list):
        return [value]
    return value


@pytest.mark.parametrize("organisation", sorted(PATHS))
def test_a_complaint_goes_from_the_public_form_to_its_end_through_the_pages(client, every_staff, auth, organisation):
    answers, end_status = PATHS[organisation]
    response = client.post("/lapor", data={**COMPLAINANT, "instansi": organisation})
    assert response.status_code == 302, response.get_data(as_text=True)
    case = db.session.scalars(db.select(Case).where(Case.organisation_code == organisation)).one()

    for _ in range(20):
        db.session.expire_all()
        case = db.session.get(Case, case.id)
        if case.completed:
            break
        if not case.tasks and case.timer is not None and case.timer.element_id == "ev_batas_keberatan":
            let_objection_period_pass(case.id)  # the complainant does not object
            continue
        [task] = case.tasks
        username = f"{organisation}.{_slug(task.lane)}"
        assert auth.login(username).status_code == 302, username
        page = client.get(f"/tugas/{task.engine_task_id}")
        assert page.status_code == 200, f"{username} cannot open {task.element_id}"
        form = version_forms(case.process_version)[task.form_key]
        data = {f["name"]: _value(f, answers, organisation) for f in form["fields"]}
        done = client.post(f"/tugas/{task.engine_task_id}", data=data)
        assert done.status_code == 303, (task.element_id, done.get_data(as_text=True)[-2000:])
        auth.logout()
    assert (case.completed, case.status) == (True, end_status)
    # Each step's output document was kept for the next people to open.
    assert db.session.scalar(db.select(db.func.count(CaseRecord.id)).where(CaseRecord.case_id == case.id)) >= 3


def test_a_monitoring_round_of_sop_004_through_the_pages_reports_on_the_forwarded_cases(client, every_staff, auth):
    from app.services.casework.cases import complete_task
    from app.services.intake.complaints import Upload, submit_complaint
    from tests.helpers.complaints import PDF

    # A complaint forwarded to the Ombudsman: what SOP 004's planner monitors. The planner
    # sees only Setneg's own forwarded complaints; Setneg's complaint handling does not run
    # here, so this one walks SOP 000's path filed under Setneg.
    forwarded, _ = submit_complaint(raw={**COMPLAINANT, "judul": "Diteruskan ke Ombudsman"}, uploads=[Upload("b.pdf", PDF)])
    forwarded.organisation_code = "setneg"
    db.session.commit()
    for data in (
        {"lengkap": True, "lokasi_kasus": "Jakarta"},
        {"inti_masalah": "x", "peraturan_terkait": "y", "memo": "z", "logis": True, "berkadar_pengawasan": True,
         "kewenangan": False},
        {"instansi_tujuan": "ombudsman", "nomor_surat": "1/IT", "tanggal_surat": "2026-11-20"},
    ):
        db.session.expire_all()
        complete_task(task_id=db.session.get(Case, forwarded.id).tasks[0].engine_task_id, data=data, actor="bsn")

    planner = "setneg.perencana-program-dan-penyusun-laporan"
    auth.login(planner)
    started = client.post("/proses", data={"proses": "sop_004", "judul": "Pemantauan Semester II"})
    assert started.status_code == 303
    auth.logout()
    case = db.session.scalars(db.select(Case).where(Case.title == "Pemantauan Semester II")).one()
    answers = {"kasus_dipantau": [str(forwarded.id)]}
    for _ in range(30):
        db.session.expire_all()
        case = db.session.get(Case, case.id)
        if case.completed:
            break
        task = case.tasks[0]
        assert auth.login(f"setneg.{_slug(task.lane)}").status_code == 302
        if task.element_id == "tugas_telaah_database":  # the planner chooses from forwarded cases
            assert "Diteruskan ke Ombudsman" in client.get(f"/tugas/{task.engine_task_id}").get_data(as_text=True)
        form = version_forms(case.process_version)[task.form_key]
        data = {f["name"]: _value(f, answers, "setneg") for f in form["fields"]}
        done = client.post(f"/tugas/{task.engine_task_id}", data=data)
        assert done.status_code == 303, (task.element_id, done.get_data(as_text=True)[-2000:])
        auth.logout()
    assert (case.completed, case.status) == (True, "selesai")
    # The monitoring report lands on the monitored case's timeline and records.
    reports = db.session.scalars(db.select(CaseRecord).where(CaseRecord.case_id == forwarded.id,
                                                             CaseRecord.origin_case_id == case.id)).all()
    assert [r.title for r in reports] == ["Laporan hasil pemantauan"]
