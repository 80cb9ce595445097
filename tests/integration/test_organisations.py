"""Several organisations in one deployment: each sees only its own cases."""
from app.services.organisation.accounts import create_user
from tests.helpers.complaints import current_task_id, file_complaint, task_links


def test_a_role_of_another_organisation_does_not_see_the_case(client, staff, auth):
    create_user(username="admin.katingan", password="dumas-demo", roles=["Admin Inspektorat"],
                organisation_code="katingan")
    create_user(username="admin.nasional", password="dumas-demo", roles=["Admin Inspektorat"])
    case = file_complaint()
    task_id = current_task_id(case.id)
    assert case.organisation_code == "bsn"

    auth.login("admin.katingan")  # same lane name, another agency
    assert task_links(client.get("/tugas").get_data(as_text=True)) == []
    assert client.get(f"/tugas/{task_id}").status_code == 404
    assert client.get(f"/kasus/{case.id}").status_code == 404
    auth.logout()

    auth.login("admin.nasional")  # a national role: every organisation's cases
    assert task_links(client.get("/tugas").get_data(as_text=True)) == [task_id]
    auth.logout()

    auth.login("admin")
    assert task_links(client.get("/tugas").get_data(as_text=True)) == [task_id]
