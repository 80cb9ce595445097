"""An API token's signature is checked once per process and remembered; what may change
is checked at every call: its age, the account being active, and the logout or password
change that ends every token."""
import time

import itsdangerous.timed

from app.extensions import db
from app.models import User
from app.services.organisation.accounts import TOKEN_MAX_AGE_SECONDS, issue_token
from tests.helpers.api import API, bearer

REFUSED = {"message": "Token tidak ada, tidak valid atau kedaluwarsa."}


def test_a_remembered_token_stops_working_at_logout_and_when_the_account_is_switched_off(client, staff):
    good = bearer(client, "admin")
    assert client.get(f"{API}/tasks", headers=good).status_code == 200
    assert client.get(f"{API}/tasks", headers=good).status_code == 200  # now remembered

    admin = db.session.get(User, staff["admin"].id)
    admin.session_generation += 1  # what logout and a password change do
    db.session.commit()
    refused = client.get(f"{API}/tasks", headers=good)
    assert refused.status_code == 401 and refused.json == REFUSED

    fresh = bearer(client, "admin")
    assert client.get(f"{API}/tasks", headers=fresh).status_code == 200
    db.session.get(User, staff["admin"].id).active = False
    db.session.commit()
    assert client.get(f"{API}/tasks", headers=fresh).status_code == 401


def test_a_token_older_than_its_lifetime_is_refused(app, client, staff, monkeypatch):
    signed_long_ago = time.time() - TOKEN_MAX_AGE_SECONDS - 60
    with monkeypatch.context() as patch:
        patch.setattr(itsdangerous.timed.time, "time", lambda: signed_long_ago)
        old = issue_token(user=staff["admin"], secret_key=app.config["SECRET_KEY"])
    response = client.get(f"{API}/tasks", headers={"Authorization": f"Bearer {old}"})
    assert response.status_code == 401 and response.json == REFUSED
    recent = issue_token(user=staff["admin"], secret_key=app.config["SECRET_KEY"])
    assert client.get(f"{API}/tasks", headers={"Authorization": f"Bearer {recent}"}).status_code == 200
