"""Database-backed form choices belong to the case's organisation: a unit of another
organisation, another agency's forwarded cases and the case's own agency as a forwarding
destination are neither offered (task page, API schema) nor accepted (task form POST,
API completion), on both databases. A refused value leaves the task where it was."""
from app.extensions import db
from app.models import Case, OrgUnit
from app.services.casework.cases import complete_task, start_case
from tests.helpers.api import API, bearer, complete, in_english
from tests.helpers.complaints import current_task_id, file_complaint

FOREIGN_UNIT = ("dpmdppkb-kb", "Bidang Keluarga Berencana")  # DPMDPPKB's, not BSN's
UNIT_REFUSED = {"id": "Unit kerja ini bukan unit instansi kasus ini.",
                "en": "This unit is not a unit of this case's agency."}
AGENCY_REFUSED = {"id": "Instansi ini tidak dikenal atau merupakan instansi kasus ini sendiri.",
                  "en": "This agency is unknown or is this case's own agency."}
CASES_REFUSED = {"id": "Pilih hanya kasus instansi ini yang telah diteruskan ke instansi lain.",
                 "en": "Choose only cases of this agency that were forwarded to another agency."}
VERIFIED = {"lengkap": "ya", "lokasi_kasus": "Jakarta"}
REVIEW = {"inti_masalah": "Pungutan di luar tarif resmi.", "peraturan_terkait": "PP 94/2021.", "memo": "Ke unit.",
          "logis": "ya", "berkadar_pengawasan": "tidak", "kewenangan": "ya"}
NOT_OURS = {**REVIEW, "kewenangan": "tidak", "berkadar_pengawasan": "ya", "memo": "Bukan kewenangan BSN."}
LETTER = {"nomor_surat": "12/IT/2026", "tanggal_surat": "2026-01-20"}
PLANNER = "setneg.perencana-program-dan-penyusun-laporan"
PLAN = {"dasar_pemantauan": "program_kerja", "ringkasan_telaahan": "-", "matriks_rencana": "-"}


def _at_review() -> Case:
    """A BSN complaint verified and waiting for the Kepala Inspektorat's review."""
    case = file_complaint()
    complete_task(task_id=current_task_id(case.id), data=VERIFIED, actor="admin")
    return case


def _at_forwarding() -> Case:
    """A BSN complaint reviewed as not BSN's: waiting for the forwarding letter."""
    case = _at_review()
    complete_task(task_id=current_task_id(case.id), data=NOT_OURS, actor="kepala")
    return case


def _forwarded(*, organisation: str, title: str) -> Case:
    """A complaint of `organisation` walked to its end "forwarded to the Ombudsman". Setneg's
    own complaint handling does not run here, so its complaint walks SOP 000 filed under it."""
    case = file_complaint(judul=title)
    case.organisation_code = organisation
    db.session.commit()
    complete_task(task_id=current_task_id(case.id), data=VERIFIED, actor="admin")
    complete_task(task_id=current_task_id(case.id), data=NOT_OURS, actor="kepala")
    complete_task(task_id=current_task_id(case.id), data={"instansi_tujuan": "ombudsman", **LETTER}, actor="kepala")
    db.session.expire_all()
    case = db.session.get(Case, case.id)
    assert (case.completed, case.status) == (True, "diteruskan_instansi_lain")
    return case


def _plan_with_forwards():
    """Setneg's and BSN's forwarded complaints, and a monitoring plan waiting for Setneg's planner."""
    own = _forwarded(organisation="setneg", title="Izin usaha ditahan di kabupaten")
    foreign = _forwarded(organisation="bsn", title="Rahasia BSN: pungutan sertifikasi")
    plan = start_case(process_key="sop_004", data={}, title="Pemantauan Semester I", actor=PLANNER)
    return own, foreign, plan


def _bsn_unit_codes() -> set[str]:
    return set(db.session.scalars(db.select(OrgUnit.code).where(OrgUnit.organisation == "bsn")))


# --- unit ------------------------------------------------------------------------------


def test_the_review_page_offers_only_bsn_units_and_refuses_a_foreign_one(client, staff, auth):
    case = _at_review()
    task_id = current_task_id(case.id)
    auth.login("kepala")
    page = client.get(f"/tugas/{task_id}").get_data(as_text=True)
    assert 'value="bsn-dpspk"' in page and "Deputi Bidang Akreditasi" in page
    assert FOREIGN_UNIT[0] not in page and FOREIGN_UNIT[1] not in page and "bps-kaltim" not in page

    response = client.post(f"/tugas/{task_id}", data={**REVIEW, "unit_tujuan": FOREIGN_UNIT[0]})
    assert response.status_code == 422
    assert UNIT_REFUSED["id"] in response.get_data(as_text=True)
    response = in_english(client.post, f"/tugas/{task_id}?lang=en", headers={},
                          data={**REVIEW, "unit_tujuan": FOREIGN_UNIT[0]})
    assert response.status_code == 422
    assert UNIT_REFUSED["en"].replace("'", "&#39;") in response.get_data(as_text=True)
    assert current_task_id(case.id) == task_id  # the case still waits for the review, at BSN


def test_the_review_schema_lists_only_bsn_units_and_the_api_refuses_a_foreign_one(client, staff):
    case = _at_review()
    task_id = current_task_id(case.id)
    headers = bearer(client, "kepala")
    unit = client.get(f"{API}/tasks/{task_id}", headers=headers).json["form"]["schema"]["properties"]["unit_tujuan"]
    assert set(unit["enum"]) == _bsn_unit_codes() and FOREIGN_UNIT[0] not in unit["x-enum-labels"]

    review = {**REVIEW, "logis": True, "berkadar_pengawasan": False, "kewenangan": True, "unit_tujuan": FOREIGN_UNIT[0]}
    response = complete(client, headers, task_id, review)
    assert (response.status_code, response.json["errors"]) == (422, {"unit_tujuan": UNIT_REFUSED["id"]})
    response = in_english(client.post, f"{API}/tasks/{task_id}/complete", headers=headers, json={"data": review})
    assert (response.status_code, response.json["errors"]) == (422, {"unit_tujuan": UNIT_REFUSED["en"]})
    assert current_task_id(case.id) == task_id


# --- organisation (the forwarding destination) ---------------------------------------------


def test_the_forwarding_page_does_not_offer_bsn_itself_and_refuses_it(client, staff, auth):
    case = _at_forwarding()
    task_id = current_task_id(case.id)
    auth.login("kepala")
    page = client.get(f"/tugas/{task_id}").get_data(as_text=True)
    assert 'value="ombudsman"' in page and 'value="bsn"' not in page

    response = client.post(f"/tugas/{task_id}", data={"instansi_tujuan": "bsn", **LETTER})
    assert response.status_code == 422
    assert AGENCY_REFUSED["id"] in response.get_data(as_text=True)
    assert current_task_id(case.id) == task_id


def test_the_forwarding_schema_leaves_out_bsn_and_the_api_refuses_it(client, staff):
    case = _at_forwarding()
    task_id = current_task_id(case.id)
    headers = bearer(client, "kepala")
    agency = client.get(f"{API}/tasks/{task_id}", headers=headers).json["form"]["schema"]["properties"]["instansi_tujuan"]
    assert "ombudsman" in agency["enum"] and "bsn" not in agency["enum"]

    response = complete(client, headers, task_id, {"instansi_tujuan": "bsn", **LETTER})
    assert (response.status_code, response.json["errors"]) == (422, {"instansi_tujuan": AGENCY_REFUSED["id"]})
    response = in_english(client.post, f"{API}/tasks/{task_id}/complete", headers=headers,
                          json={"data": {"instansi_tujuan": "bsn", **LETTER}})
    assert (response.status_code, response.json["errors"]) == (422, {"instansi_tujuan": AGENCY_REFUSED["en"]})
    assert current_task_id(case.id) == task_id


# --- forwarded cases (SOP 004's monitoring plan) ------------------------------------------------


def test_the_planner_page_offers_only_setneg_s_forwarded_cases_and_refuses_bsn_s(client, every_staff, auth):
    own, foreign, plan = _plan_with_forwards()
    task_id = current_task_id(plan.id)
    auth.login(PLANNER)
    page = client.get(f"/tugas/{task_id}").get_data(as_text=True)
    assert own.tracking_number in page and "Izin usaha ditahan di kabupaten" in page
    assert foreign.tracking_number not in page and "Rahasia BSN" not in page

    response = client.post(f"/tugas/{task_id}", data={**PLAN, "kasus_dipantau": [str(own.id), str(foreign.id)]})
    assert response.status_code == 422
    assert CASES_REFUSED["id"] in response.get_data(as_text=True)
    assert current_task_id(plan.id) == task_id


def test_the_planner_schema_lists_only_setneg_s_forwarded_cases_and_the_api_refuses_bsn_s(client, every_staff):
    own, foreign, plan = _plan_with_forwards()
    task_id = current_task_id(plan.id)
    headers = bearer(client, PLANNER)
    cases = client.get(f"{API}/tasks/{task_id}", headers=headers).json["form"]["schema"]["properties"]["kasus_dipantau"]
    assert cases["items"]["enum"] == [own.id]
    assert "Rahasia BSN" not in str(cases["x-enum-labels"])

    data = {**PLAN, "kasus_dipantau": [own.id, foreign.id]}
    response = complete(client, headers, task_id, data)
    assert (response.status_code, response.json["errors"]) == (422, {"kasus_dipantau": CASES_REFUSED["id"]})
    response = in_english(client.post, f"{API}/tasks/{task_id}/complete", headers=headers, json={"data": data})
    assert (response.status_code, response.json["errors"]) == (422, {"kasus_dipantau": CASES_REFUSED["en"]})
    assert current_task_id(plan.id) == task_id
    # Setneg's own forwarded case is accepted.
    assert complete(client, headers, task_id, {**PLAN, "kasus_dipantau": [own.id]}).status_code == 200
