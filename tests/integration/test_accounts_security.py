"""Signing in under attack, and sessions that end when they should (issue 12.6): the
real database counters, audit trail and session cookies; only the clock is faked.
Tests that count failures are marked `committed`: the counters are written in their own
transaction, which must outlive the refused request's rollback."""
import pytest

from app import clock
from app.extensions import db
from app.models import AuditEvent
from app.services.organisation.accounts import create_user

PASSWORD = "kata-sandi-benar-1"
WRONG = "Nama pengguna atau kata sandi salah."
LOCKED_ID = "Terlalu banyak percobaan masuk yang gagal untuk nama pengguna ini. Akun dikunci sementara"
LOCKED_EN = "Too many failed sign-in attempts for this username. The account is locked for now"


class FakeClock:
    """Unix time that moves only when told to (or when the app waits)."""

    def __init__(self):
        self.t = 1_800_000_000 // 900 * 900 + 5  # the start of a 15-minute window
        self.slept: list[float] = []

    def now(self) -> float:
        return self.t

    def sleep(self, seconds: float) -> None:
        self.slept.append(seconds)
        self.t += seconds

    def advance(self, *, minutes: float) -> None:
        self.t += minutes * 60


@pytest.fixture
def fake_clock(monkeypatch):
    fake = FakeClock()
    monkeypatch.setattr(clock, "now", fake.now)
    monkeypatch.setattr(clock, "sleep", fake.sleep)
    return fake


@pytest.fixture
def user(app):
    # Its own app context: requests must not share one (the language is chosen per request).
    with app.app_context():
        create_user(username="petugas", password=PASSWORD, roles=[])
    return "petugas"


def _login(client, username, password, lang="id"):
    return client.post(f"/masuk?lang={lang}", data={"username": username, "password": password})


def _lockouts(app):
    with app.app_context():
        return list(db.session.scalars(db.select(AuditEvent).where(AuditEvent.action == "account.locked")))


@pytest.mark.committed
def test_ten_wrong_passwords_lock_the_account_even_against_the_right_one(app, client, user, fake_clock):
    for attempt in range(9):
        response = _login(client, "petugas", f"tebakan-{attempt}")
        assert response.status_code == 401 and WRONG in response.get_data(as_text=True)
    assert _lockouts(app) == []

    tenth = _login(client, "petugas", "tebakan-10")
    assert tenth.status_code == 429 and LOCKED_ID in tenth.get_data(as_text=True)
    assert "coba lagi dalam 15 menit" in tenth.get_data(as_text=True)

    right = _login(client, "petugas", PASSWORD)
    assert right.status_code == 429 and LOCKED_ID in right.get_data(as_text=True)
    assert client.get("/tugas").status_code == 302  # not signed in
    english = _login(client, "petugas", PASSWORD, lang="en")
    assert LOCKED_EN in english.get_data(as_text=True)

    [event] = _lockouts(app)  # one event for the lockout, not one per refused attempt
    assert event.data_after["username"] == "petugas" and event.data_after["locked"] == "username"
    assert event.data_after["failures"] == 10

    # Waits grew after the third failure: 1, 2, 4, 8 s, then capped.
    assert fake_clock.slept[:5] == [1, 2, 4, 8, 8]
    fake_clock.advance(minutes=16)  # the window is over
    assert _login(client, "petugas", PASSWORD).status_code == 302


@pytest.mark.committed
def test_an_unknown_username_is_locked_the_same_way(client, user, fake_clock):
    """Otherwise the lockout itself would tell which usernames exist."""
    for attempt in range(10):
        last = _login(client, "tidak.ada", f"tebakan-{attempt}")
    assert last.status_code == 429 and LOCKED_ID in last.get_data(as_text=True)
    assert _login(client, "petugas", PASSWORD).status_code == 302  # another name is not locked


@pytest.mark.committed
def test_one_address_trying_many_usernames_is_locked(app, client, user, fake_clock):
    app.config["DUMAS_RATE_LIMITS"] = "login_address=5/600"
    for attempt in range(5):
        last = _login(client, f"nama{attempt}", "salah-salah")
    assert last.status_code == 429
    assert "dari alamat Anda" in last.get_data(as_text=True)
    assert _login(client, "petugas", PASSWORD).status_code == 429
    assert _lockouts(app)[0].data_after["locked"] == "address"


@pytest.mark.committed
def test_the_api_token_endpoint_shares_the_lockout(client, user, fake_clock):
    for attempt in range(10):
        last = client.post("/api/v1/auth/token", json={"username": "petugas", "password": f"x{attempt}"})
    assert last.status_code == 429 and int(last.headers["Retry-After"]) > 0
    right = client.post("/api/v1/auth/token?lang=en", json={"username": "petugas", "password": PASSWORD})
    assert right.status_code == 429 and LOCKED_EN in right.get_json()["message"]
    assert "token" not in right.get_json()


def test_a_cookie_copied_before_logout_opens_nothing_after_it(app, client, user, fake_clock):
    assert _login(client, "petugas", PASSWORD).status_code == 302
    thief = app.test_client()
    thief.set_cookie("session", client.get_cookie("session").value)
    assert thief.get("/tugas").status_code == 200  # the copy works while the session lives

    client.post("/keluar")
    response = thief.get("/tugas")
    assert response.status_code == 302 and "/masuk" in response.headers["Location"]


def test_a_password_change_ends_api_tokens_and_other_sessions(app, client, user, fake_clock):
    token = client.post("/api/v1/auth/token", json={"username": "petugas", "password": PASSWORD}).get_json()["token"]
    bearer = {"Authorization": f"Bearer {token}"}
    assert client.get("/api/v1/tasks", headers=bearer).status_code == 200
    other_device = app.test_client()
    _login(other_device, "petugas", PASSWORD)

    _login(client, "petugas", PASSWORD)
    changed = client.post("/akun/kata-sandi", data={"current": PASSWORD, "new": "sandi-baru-2026",
                                                    "confirm": "sandi-baru-2026"}, follow_redirects=True)
    assert "Kata sandi diganti" in changed.get_data(as_text=True)
    assert client.get("/tugas").status_code == 200  # this browser stays signed in

    refused = client.get("/api/v1/tasks", headers=bearer)
    assert refused.status_code == 401
    assert other_device.get("/tugas").status_code == 302
    assert _login(client, "petugas", PASSWORD).status_code == 401
    assert client.post("/api/v1/auth/token", json={"username": "petugas", "password": "sandi-baru-2026"}).status_code == 200


def test_a_wrong_current_password_changes_nothing(client, user, fake_clock):
    _login(client, "petugas", PASSWORD)
    response = client.post("/akun/kata-sandi?lang=en", data={"current": "bukan-ini-1", "new": "sandi-baru-2026",
                                                             "confirm": "sandi-baru-2026"})
    assert response.status_code == 400
    assert "The current password is wrong." in response.get_data(as_text=True)
    short = client.post("/akun/kata-sandi?lang=id", data={"current": PASSWORD, "new": "pendek", "confirm": "pendek"})
    assert "Kata sandi minimal 8 karakter." in short.get_data(as_text=True)


def test_a_session_idle_past_the_limit_is_ended(app, client, user, fake_clock):
    assert app.config["DUMAS_SESSION_IDLE_MINUTES"] == 30
    _login(client, "petugas", PASSWORD)
    fake_clock.advance(minutes=29)
    assert client.get("/tugas").status_code == 200
    fake_clock.advance(minutes=29)  # 29 minutes since the last request, not since login
    assert client.get("/tugas").status_code == 200

    fake_clock.advance(minutes=31)
    response = client.get("/tugas", follow_redirects=True)
    assert response.request.path == "/masuk"
    assert "Sesi Anda berakhir karena tidak ada aktivitas selama 30 menit" in response.get_data(as_text=True)


def test_with_redis_the_counters_live_there(app, client, fake_clock):
    """REDIS_URL set: failures are counted in Redis (shared by every web worker)."""
    import uuid

    import redis

    app.config["REDIS_URL"] = "redis://127.0.0.1:6379/0"
    username = f"tamu-{uuid.uuid4().hex[:8]}"  # Redis outlives the test database
    for attempt in range(10):
        last = client.post("/api/v1/auth/token", json={"username": username, "password": f"x{attempt}"})
    assert last.status_code == 429
    keys = redis.Redis.from_url(app.config["REDIS_URL"]).keys(f"dumas:rl:*:login_user:{username}:*")
    assert len(keys) == 1
    assert _lockouts(app)[0].data_after["username"] == username
