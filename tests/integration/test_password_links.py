"""One-time password links (single use, 24 hours, only a hash stored) and the user's own
profile page. Real database and pages; only the clock is faked (app/clock.py)."""
import hashlib
import re

import pytest
from flask import g

from app import clock
from app.extensions import db
from app.models import AuditEvent, Notification, PasswordResetToken, User
from app.services.administration.demo import DEMO_PASSWORD
from app.services.organisation.accounts import SYSTEM_ADMIN_ROLE, create_user, ensure_system_roles


class FakeClock:
    def __init__(self):
        self.t = 1_800_000_000.0

    def now(self) -> float:
        return self.t

    def advance(self, *, hours: float) -> None:
        self.t += hours * 3600


@pytest.fixture
def fake_clock(monkeypatch):
    fake = FakeClock()
    monkeypatch.setattr(clock, "now", fake.now)
    return fake


def _own_user_per_request():
    # See tests/integration/test_account_admin.py: one app context for the whole test.
    g.pop("_login_user", None)


@pytest.fixture
def sysadmin(app, staff):
    app.before_request_funcs.setdefault(None, []).insert(0, _own_user_per_request)
    ensure_system_roles()
    return create_user(username="sysadmin", password=DEMO_PASSWORD, roles=[SYSTEM_ADMIN_ROLE])


def _user(username: str) -> User:
    db.session.expire_all()
    return db.session.scalars(db.select(User).where(User.username == username)).one()


def _issue(client, user_id: int, how: str = "tampilkan") -> str:
    page = client.post(f"/admin/akun/{user_id}/tautan-sandi", data={"kirim": how}).get_data(as_text=True)
    found = re.search(r"/akun/atur-sandi/([A-Za-z0-9_-]+)", page)
    return found.group(0) if found else ""


def test_a_link_sets_the_password_once_and_only_its_hash_is_kept(app, client, auth, sysadmin, fake_clock):
    auth.login("sysadmin")
    target = _user("tatausaha")
    link = _issue(client, target.id)
    assert link
    token = link.rsplit("/", 1)[1]
    [row] = db.session.scalars(db.select(PasswordResetToken)).all()
    assert row.token_hash == hashlib.sha256(token.encode()).hexdigest() and token not in row.token_hash
    assert link not in client.get(f"/admin/akun/{target.id}").get_data(as_text=True)  # shown once

    visitor = app.test_client()
    assert "tatausaha" in visitor.get(link).get_data(as_text=True)
    short = visitor.post(link, data={"new": "pendek", "confirm": "pendek"})
    assert short.status_code == 400 and "Kata sandi minimal 8 karakter." in short.get_data(as_text=True)
    done = visitor.post(link, data={"new": "sandi-baru-789", "confirm": "sandi-baru-789"})
    assert done.status_code == 303 and done.headers["Location"].endswith("/masuk")
    assert app.test_client().post("/masuk", data={"username": "tatausaha", "password": DEMO_PASSWORD}).status_code == 401
    assert app.test_client().post("/masuk", data={"username": "tatausaha", "password": "sandi-baru-789"}).status_code == 302

    again = app.test_client().post(link, data={"new": "sandi-lain-000", "confirm": "sandi-lain-000"})
    assert again.status_code == 410 and "sudah dipakai" in again.get_data(as_text=True)
    assert app.test_client().post("/masuk", data={"username": "tatausaha", "password": "sandi-lain-000"}).status_code == 401
    actions = [e.action for e in db.session.scalars(db.select(AuditEvent).order_by(AuditEvent.id))]
    assert actions.count("account.reset_link_issued") == 1 and actions.count("account.password_reset") == 1


def test_a_link_expires_after_24_hours_and_a_newer_link_voids_the_older(app, client, auth, sysadmin, fake_clock):
    auth.login("sysadmin")
    target = _user("tatausaha")
    older = _issue(client, target.id)
    newer = _issue(client, target.id)
    assert app.test_client().get(older).status_code == 410
    fake_clock.advance(hours=23.9)
    assert app.test_client().get(newer).status_code == 200
    fake_clock.advance(hours=0.2)
    expired = app.test_client().post(newer, data={"new": "sandi-baru-789", "confirm": "sandi-baru-789"})
    assert expired.status_code == 410 and "kedaluwarsa" in expired.get_data(as_text=True)
    assert app.test_client().post("/masuk", data={"username": "tatausaha", "password": DEMO_PASSWORD}).status_code == 302


def test_a_mailed_link_goes_through_the_outbox_and_is_not_shown(client, auth, sysadmin, fake_clock):
    auth.login("sysadmin")
    no_mail = _user("tatausaha")
    refused = client.post(f"/admin/akun/{no_mail.id}/tautan-sandi", data={"kirim": "email"}, follow_redirects=True)
    assert "tidak punya alamat email" in refused.get_data(as_text=True)
    no_mail.email = "tu@bsn.example"
    db.session.commit()
    page = client.post(f"/admin/akun/{no_mail.id}/tautan-sandi", data={"kirim": "email"}).get_data(as_text=True)
    assert "dikirim ke tu@bsn.example" in page and "/akun/atur-sandi/" not in page
    [message] = db.session.scalars(db.select(Notification).where(Notification.kind == "password_reset")).all()
    assert message.recipient == "tu@bsn.example" and re.search(r"http://localhost/akun/atur-sandi/\S+", message.body)


def test_a_deactivated_account_cannot_use_its_link(app, client, auth, sysadmin, fake_clock):
    auth.login("sysadmin")
    target = _user("tatausaha")
    link = _issue(client, target.id)
    client.post(f"/admin/akun/{target.id}/nonaktifkan", data={"alasan": "Pensiun"})
    assert app.test_client().get(link).status_code == 410


def test_users_change_their_own_email_with_their_password(client, auth, sysadmin):
    auth.login("kepala")
    page = client.get("/akun").get_data(as_text=True)
    assert "kepala" in page and "Kepala Inspektorat" in page and 'href="/akun/kata-sandi"' in page
    wrong = client.post("/akun", data={"email": "kepala@bsn.example", "current": "bukan-sandinya"})
    assert wrong.status_code == 400 and "Kata sandi saat ini salah." in wrong.get_data(as_text=True)
    bad = client.post("/akun", data={"email": "bukan email", "current": DEMO_PASSWORD})
    assert bad.status_code == 400 and "Alamat email tidak valid." in bad.get_data(as_text=True)
    assert _user("kepala").email is None
    assert client.post("/akun", data={"email": "kepala@bsn.example", "current": DEMO_PASSWORD}).status_code == 303
    assert _user("kepala").email == "kepala@bsn.example"
    assert 'value="kepala@bsn.example"' in client.get("/akun").get_data(as_text=True)
    [event] = db.session.scalars(db.select(AuditEvent).where(AuditEvent.action == "account.email_changed")).all()
    assert event.actor == "kepala" and event.data_after == {"email": "kepala@bsn.example"}


def test_english_pages_read_english(client, auth, sysadmin):
    auth.login("sysadmin")
    page = client.get("/admin/akun?lang=en").get_data(as_text=True)
    assert "Staff accounts" in page and "Akun petugas</h1>" not in page
