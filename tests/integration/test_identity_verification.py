"""SOP 002 step e ("memastikan perlu atau tidaknya penggunaan fitur anonim dan rahasia")
and the liaison's point 2: the verification forms make a report confidential or
anonymous, the pages follow at once, and nothing makes a report less protected."""
import pytest

from app.extensions import db
from app.models import AuditEvent
from app.services.definitions.forms import FormDefinitionError, check_definition
from app.services.organisation.identity import CONFIDENTIALITY_CHANGED
from tests.helpers.identity_helpers import IDENTITY, bearer, complaint_of, file_by_api, leaks, staff_views
from tests.helpers.sop_002 import RECEIVED, _liaison, _review
from tests.helpers.walk import work

OFFICER = "dpmdppkb.pejabat-pengelola-pengaduan"
ADMIN = "dpmdppkb.admin-instansi"
LIAISON = "dpmdppkb.pejabat-penghubung"


def _at_review(client, every_staff, kerahasiaan="biasa"):
    case, _ = file_by_api(client, kerahasiaan=kerahasiaan, instansi="dpmdppkb")
    return work(case, element_id="tugas_terima_catat", lane="Pejabat Pengelola Pengaduan", data=RECEIVED,
                actor=OFFICER)


def _complete_through_api(client, username, case, data):
    db.session.expire_all()
    [task] = complaint_of(case).case.tasks
    response = client.post(f"/api/v1/tasks/{task.engine_task_id}/complete", json={"data": data},
                           headers=bearer(client, username))
    assert response.status_code == 200, response.json
    return response.json["case"]


def _changes(case) -> list[tuple[str, dict, dict]]:
    return [(e.actor, e.data_before, e.data_after) for e in db.session.scalars(
        db.select(AuditEvent).where(AuditEvent.case_id == case.id, AuditEvent.action == CONFIDENTIALITY_CHANGED)
        .order_by(AuditEvent.id))]


def test_the_admin_makes_a_report_confidential_then_the_liaison_anonymous(client, auth, every_staff):
    case = _at_review(client, every_staff)
    unit = every_staff[LIAISON].unit_code
    answered = _complete_through_api(client, ADMIN, case, {**_review(unit=unit), "rahasia": True})
    assert complaint_of(case).confidentiality == "rahasia"
    assert answered["complaint"]["kerahasiaan"] == "rahasia"
    assert _changes(case) == [(ADMIN, {"confidentiality": "biasa"}, {"confidentiality": "rahasia"})]

    # The liaison is not the admin: the identity is gone from every page and response.
    liaison_views = staff_views(client, auth, LIAISON, case)
    assert {where: leaks(text) for where, text in liaison_views.items() if leaks(text)} == {}
    admin_page = staff_views(client, auth, ADMIN, case)[f"/kasus/{case.id}"]
    assert set(leaks(admin_page)) >= set(IDENTITY.values())

    _complete_through_api(client, LIAISON, case, {**_liaison(), "anonim": True})
    assert complaint_of(case).confidentiality == "anonim"
    assert _changes(case)[-1] == (LIAISON, {"confidentiality": "rahasia"}, {"confidentiality": "anonim"})
    admin_views = staff_views(client, auth, ADMIN, case)
    assert {where: leaks(text) for where, text in admin_views.items() if leaks(text)} == {}


@pytest.mark.parametrize("chosen", ["rahasia", "anonim"])
def test_verification_never_lowers_what_the_complainant_chose(client, every_staff, chosen):
    case = _at_review(client, every_staff, kerahasiaan=chosen)
    unit = every_staff[LIAISON].unit_code
    _complete_through_api(client, ADMIN, case, {**_review(unit=unit), "anonim": False, "rahasia": False})
    assert complaint_of(case).confidentiality == chosen
    assert _changes(case) == []


def test_the_verification_form_explains_the_options(client, auth, every_staff):
    case = _at_review(client, every_staff)
    auth.login(ADMIN)
    [task] = complaint_of(case).case.tasks
    page = client.get(f"/tugas/{task.engine_task_id}").get_data(as_text=True)
    assert "e. Perlu fitur rahasia?" in page
    assert "identitas pengadu hanya terlihat oleh Admin" in page


def test_a_form_may_set_confidentiality_only_from_a_yes_no_field():
    field = {"name": "kerahasiaan", "type": "text", "sets_confidentiality": "rahasia"}
    with pytest.raises(FormDefinitionError, match="sets_confidentiality"):
        check_definition({"key": "x", "fields": [field]}, source="x.json")
    with pytest.raises(FormDefinitionError, match="sets_confidentiality"):
        check_definition({"key": "x", "fields": [{**field, "type": "boolean", "sets_confidentiality": "publik"}]},
                         source="x.json")
