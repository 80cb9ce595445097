"""Signing in through an OpenID Connect provider: a real one (the npm package
`oidc-provider`, tests/oidc/provider.mjs) run as a Node process on 127.0.0.1, the whole
authorization-code flow (its login and consent pages, the code, the token exchange over
HTTP, the ID token's signature) with Authlib on our side. Nothing is mocked."""
import html
import re
import shutil
import socket
import subprocess
import time
from pathlib import Path
from urllib.parse import urljoin

import pytest
import requests

from app import create_app
from app.extensions import db
from app.models import AuditEvent, User
from app.services.administration.account_admin import AdminScope, deactivate_account
from app.services.administration.demo import DEMO_PASSWORD
from tests.helpers.settings import app_config as _config

ROOT = Path(__file__).resolve().parents[2]
CALLBACK = "http://localhost/masuk/oidc/kembali"



def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


@pytest.fixture(scope="module")
def provider():
    if shutil.which("node") is None or not (ROOT / "node_modules/oidc-provider").exists():
        pytest.fail("the OIDC tests need node and `npm ci` (oidc-provider): scripts/test.sh installs both")
    port = _free_port()
    env = {"PATH": "/usr/bin:/bin:/usr/local/bin", "OIDC_PORT": str(port), "OIDC_CLIENT_ID": "dumas",
           "OIDC_CLIENT_SECRET": "rahasia-klien-uji", "OIDC_REDIRECT_URI": CALLBACK}
    process = subprocess.Popen(["node", str(ROOT / "tests/oidc/provider.mjs")], env=env, cwd=ROOT,
                               stdout=subprocess.PIPE, stderr=subprocess.DEVNULL, text=True)
    issuer = f"http://127.0.0.1:{port}"
    try:
        deadline = time.monotonic() + 20
        while time.monotonic() < deadline:
            try:
                requests.get(f"{issuer}/.well-known/openid-configuration", timeout=1).raise_for_status()
                break
            except requests.RequestException:
                time.sleep(0.1)
        else:
            pytest.fail("the OIDC provider did not start")
        yield issuer
    finally:
        process.terminate()
        process.wait(timeout=10)


@pytest.fixture
def oidc_app(app, provider):
    """The test app's database, with sign-in through the provider configured."""
    config = _config(app.config["SQLALCHEMY_DATABASE_URI"]) | {
        "DUMAS_OIDC_ISSUER": provider, "DUMAS_OIDC_CLIENT_ID": "dumas",
        "DUMAS_OIDC_CLIENT_SECRET": "rahasia-klien-uji",
    }
    oidc = create_app(config)
    yield oidc
    with oidc.app_context():
        db.session.remove()
        db.engine.dispose()


def _form(page: str) -> tuple[str, dict]:
    action = html.unescape(re.search(r'<form[^>]*action="([^"]+)"', page).group(1))
    fields = {m.group(1): html.unescape(m.group(2))
              for m in re.finditer(r'<input[^>]*type="hidden"[^>]*name="([^"]+)"[^>]*value="([^"]*)"', page)}
    return action, fields


def sign_in_at_provider(client, login: str) -> object:
    """What a person does: press the SSO button, sign in at the provider, consent, come back."""
    start = client.get("/masuk/oidc")
    assert start.status_code == 302
    browser = requests.Session()
    url = start.headers["Location"]
    for _step in range(10):
        response = browser.get(url, allow_redirects=False) if url else None
        if response.is_redirect:
            url = urljoin(url, response.headers["Location"])
            if url.startswith(CALLBACK):
                return client.get(url.removeprefix("http://localhost"))
            continue
        action, fields = _form(response.text)
        if 'name="login"' in response.text:
            fields |= {"login": login, "password": "apa saja"}
        posted = browser.post(urljoin(url, action), data=fields, allow_redirects=False)
        assert posted.is_redirect, posted.text[:500]
        url = urljoin(url, posted.headers["Location"])
        if url.startswith(CALLBACK):
            return client.get(url.removeprefix("http://localhost"))
    pytest.fail("the provider never sent the browser back")


def test_a_local_account_signs_in_through_the_provider_and_passwords_still_work(oidc_app, staff):
    client = oidc_app.test_client()
    assert "Masuk dengan akun instansi (SSO)" in client.get("/masuk").get_data(as_text=True)

    back = sign_in_at_provider(client, "kepala")
    assert back.status_code == 303 and back.headers["Location"].endswith("/tugas")
    page = client.get("/akun").get_data(as_text=True)
    assert "kepala" in page and "Kepala Inspektorat" in page
    with oidc_app.app_context():
        event = db.session.scalars(db.select(AuditEvent).where(AuditEvent.action == "account.signed_in_external")).one()
        assert event.actor == "kepala"

    other = oidc_app.test_client()  # local passwords keep working beside the provider
    assert other.post("/masuk", data={"username": "admin", "password": DEMO_PASSWORD}).status_code == 302
    assert other.get("/akun").status_code == 200


def test_an_identity_without_an_active_local_account_opens_nothing(oidc_app, staff):
    client = oidc_app.test_client()
    back = sign_in_at_provider(client, "orang.asing")
    assert back.status_code == 303 and back.headers["Location"].endswith("/masuk")
    page = client.get("/masuk").get_data(as_text=True)
    assert "tidak ada akun aktif Dumas untuknya" in page
    assert client.get("/akun").status_code == 302  # not signed in
    with oidc_app.app_context():
        assert db.session.scalar(db.select(User.id).where(User.username == "orang.asing")) is None  # not created
        ensure_admin = AdminScope(actor="sysadmin", organisation_code=None)
        deactivate_account(scope=ensure_admin, user_id=db.session.scalar(db.select(User.id).where(User.username == "tatausaha")),
                           reason="pensiun")
    client = oidc_app.test_client()
    back = sign_in_at_provider(client, "tatausaha")
    assert back.headers["Location"].endswith("/masuk")
    assert client.get("/akun").status_code == 302
    with oidc_app.app_context():
        reasons = list(db.session.scalars(db.select(AuditEvent.detail)
                                          .where(AuditEvent.action == "account.external_login_refused")))
        assert reasons == ["tidak ada akun untuk orang.asing", "akun tatausaha nonaktif"]


def test_with_creation_configured_an_unknown_identity_gets_an_account_without_roles(app, provider, staff):
    config = _config(app.config["SQLALCHEMY_DATABASE_URI"]) | {
        "DUMAS_OIDC_ISSUER": provider, "DUMAS_OIDC_CLIENT_ID": "dumas",
        "DUMAS_OIDC_CLIENT_SECRET": "rahasia-klien-uji", "DUMAS_OIDC_CREATE_USERS_IN": "bsn",
    }
    oidc = create_app(config)
    client = oidc.test_client()
    back = sign_in_at_provider(client, "pegawai.baru")
    assert back.headers["Location"].endswith("/tugas")
    with oidc.app_context():
        user = db.session.scalars(db.select(User).where(User.username == "pegawai.baru")).one()
        assert (user.organisation_code, user.role_names, user.email) == ("bsn", set(), "pegawai.baru@instansi.example")
        db.session.remove()
        db.engine.dispose()
