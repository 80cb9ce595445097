"""The access code a complainant gets once: stored as a keyed hash, codes stored the old
way (scrypt) still open their case and are rehashed on that first lookup, a wrong code
opens nothing, and the lookup limits hold whatever the hash costs."""
from werkzeug.security import generate_password_hash

from app.extensions import db
from app.models import Case, Complaint
from tests.helpers.complaints import COMPLAINANT

API = "/api/v1"


def _file(client) -> tuple[str, str]:
    response = client.post(f"{API}/complaints", json=COMPLAINANT)
    assert response.status_code == 201, response.json
    return response.json["tracking_number"], response.json["access_code"]


def _stored_hash(app, number: str) -> str:
    with app.app_context():
        return db.session.scalars(
            db.select(Complaint.access_code_hash).join(Case).where(Case.tracking_number == number)).one()


def _store_the_old_way(app, number: str, code: str) -> None:
    """As codes were stored before the keyed hash: werkzeug's default, scrypt."""
    with app.app_context():
        complaint = db.session.scalars(db.select(Complaint).join(Case).where(Case.tracking_number == number)).one()
        complaint.access_code_hash = generate_password_hash(code)
        db.session.commit()


def _track(client, number: str, code: str):
    return client.get(f"{API}/complaints/{number}", headers={"X-Access-Code": code})


def test_a_new_code_is_stored_as_a_keyed_hash_and_opens_its_case(app, client, staff):
    number, code = _file(client)
    stored = _stored_hash(app, number)
    assert stored.startswith("hmac-sha256$") and code not in stored and code.lower() not in stored

    assert _track(client, number, code).json["tracking_number"] == number
    assert _track(client, number, f"  {code.lower()} ").status_code == 200  # typed as read out
    assert _stored_hash(app, number) == stored


def test_the_hash_depends_on_the_server_key(app, client, staff):
    number, code = _file(client)
    app.config["DUMAS_ACCESS_CODE_KEY"] = "another-installation"
    assert _track(client, number, code).status_code == 404


def test_a_wrong_code_or_another_case_s_code_opens_nothing(app, client, staff):
    number, code = _file(client)
    other_number, other_code = _file(client)
    wrong = ("2" if code[0] != "2" else "3") + code[1:]
    for tried_number, tried_code in ((number, wrong), (number, other_code), (other_number, code),
                                     ("DUMAS-2020-999999", code), (number, "")):
        response = _track(client, tried_number, tried_code)
        assert response.status_code == 404, (tried_number, tried_code)
        assert response.json["message"] == "Nomor pelacakan atau kode akses tidak cocok."


def test_an_old_scrypt_code_opens_its_case_once_the_old_way_then_is_stored_keyed(app, client, staff):
    number, code = _file(client)
    _store_the_old_way(app, number, code)
    old = _stored_hash(app, number)
    assert old.startswith("scrypt:")

    wrong = ("2" if code[0] != "2" else "3") + code[1:]
    assert _track(client, number, wrong).status_code == 404
    assert _stored_hash(app, number) == old  # a wrong code changes nothing

    assert _track(client, number, code).json["tracking_number"] == number
    assert _stored_hash(app, number).startswith("hmac-sha256$")
    assert _track(client, number, code).status_code == 200
    assert _track(client, number, wrong).status_code == 404


def test_the_web_tracking_page_rehashes_an_old_code_too(app, client, staff):
    number, code = _file(client)
    _store_the_old_way(app, number, code)
    page = client.post("/lacak", data={"tracking_number": number, "access_code": code})
    assert page.status_code == 200 and number in page.get_data(as_text=True)
    assert _stored_hash(app, number).startswith("hmac-sha256$")


def test_lookups_stay_limited_per_address_even_with_the_right_code(app, client, staff):
    number, code = _file(client)
    app.config["DUMAS_RATE_LIMITS"] = "track=5/600"
    wrong = ("2" if code[0] != "2" else "3") + code[1:]
    answers = [_track(client, number, wrong).status_code for _ in range(5)]
    assert answers == [404] * 5
    refused = _track(client, number, code)
    assert refused.status_code == 429 and int(refused.headers["Retry-After"]) > 0
    other_address = client.get(f"{API}/complaints/{number}", headers={"X-Access-Code": code},
                                environ_overrides={"REMOTE_ADDR": "203.0.113.9"})
    assert other_address.status_code == 200
