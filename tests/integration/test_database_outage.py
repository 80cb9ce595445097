"""A database that cannot be reached answers 503 with Retry-After (JSON for the API, a
page for people), not a generic 500. The outage is real: PostgreSQL on a port nobody
listens on (connection refused), SQLite in a directory that does not exist."""
import socket

import pytest
from sqlalchemy import make_url

from app import create_app
from app.extensions import db
from tests.helpers.settings import app_config as _config


def _closed_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]  # free once closed: a connection there is refused


@pytest.fixture
def unreachable(database_url, tmp_path):
    url = make_url(database_url)
    if url.get_backend_name() == "postgresql":
        broken = url.set(host="127.0.0.1", port=_closed_port()).render_as_string(hide_password=False)
    else:
        broken = f"sqlite:///{tmp_path / 'missing-directory' / 'dumas.sqlite'}"
    app = create_app({**_config(broken), "PROPAGATE_EXCEPTIONS": False})
    yield app
    with app.app_context():
        db.engine.dispose()


def test_the_api_says_the_service_is_unavailable_and_when_to_retry(unreachable):
    client = unreachable.test_client()
    response = client.post("/api/v1/auth/token?lang=en", json={"username": "admin", "password": "x"})
    assert response.status_code == 503
    assert response.headers["Retry-After"] == "30"
    assert response.json["message"].startswith("The service cannot reach its database right now.")


def test_a_page_says_the_service_is_unavailable_in_indonesian(unreachable):
    response = unreachable.test_client().post("/lacak", data={"tracking_number": "DMS-2026-000001", "access_code": "ABCDEFGHJK"})
    assert response.status_code == 503 and response.headers["Retry-After"] == "30"
    assert "Layanan sedang tidak dapat menjangkau basis data." in response.get_data(as_text=True)
