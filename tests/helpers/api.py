"""The staff JSON API as the tests call it: its prefix, a bearer token, English replies."""
import flask_babel

from app.services.administration.demo import DEMO_PASSWORD

API = "/api/v1"


VERIFIED = {"lengkap": True, "lokasi_kasus": "Jakarta"}


def bearer(client, username: str) -> dict:
    response = client.post(f"{API}/auth/token", json={"username": username, "password": DEMO_PASSWORD})
    assert response.status_code == 200, response.json
    return {"Authorization": f"Bearer {response.json['token']}"}


def in_english(send, *args, headers: dict, **kwargs):
    """Send a request with Accept-Language: en. The test body holds one app context that
    every request it makes shares, and Flask-Babel caches the locale on it (`g`): forget
    the cached locale before and after, as a fresh request in production would."""
    flask_babel.refresh()
    try:
        return send(*args, headers={**headers, "Accept-Language": "en"}, **kwargs)
    finally:
        flask_babel.refresh()


def complete(client, headers, task_id, data):
    return client.post(f"{API}/tasks/{task_id}/complete", json={"data": data}, headers=headers)
