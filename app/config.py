"""The one place the environment is read.

The embedded default needs nothing set: a SQLite file in the instance folder, timers
swept by a thread in the web process. Setting DATABASE_URL (PostgreSQL) and REDIS_URL
switches the same code to the scaled-out shape of docker-compose.yml.
"""
import json
import os
import secrets
from pathlib import Path

PROJECT_ROOT = Path(__file__).resolve().parent.parent


def _sqlalchemy_url(url: str) -> str:
    # Heroku-style "postgres://" and bare "postgresql://" would pick psycopg2, which we
    # do not install; psycopg 3 is the driver we ship.
    for prefix in ("postgres://", "postgresql://"):
        if url.startswith(prefix):
            return "postgresql+psycopg://" + url[len(prefix):]
    return url


def _instance_secret(instance_path: Path, name: str = "secret_key") -> str:
    """A secret key generated once per installation and kept out of the repository."""
    key_file = instance_path / name
    if not key_file.exists():
        instance_path.mkdir(parents=True, exist_ok=True)
        key_file.write_text(secrets.token_hex(32))
        key_file.chmod(0o600)
    return key_file.read_text().strip()


def load_config(instance_path: Path) -> dict:
    env = os.environ
    database_url = env.get("DATABASE_URL") or f"sqlite:///{instance_path / 'dumas.sqlite'}"
    redis_url = env.get("REDIS_URL")
    return {
        "SECRET_KEY": env.get("SECRET_KEY") or _instance_secret(instance_path),
        "SQLALCHEMY_DATABASE_URI": _sqlalchemy_url(database_url),
        # The key of the complaints' access-code hashes (app/services/intake/access_codes.py);
        # empty: derived from SECRET_KEY. Changing it makes every issued code stop working.
        "DUMAS_ACCESS_CODE_KEY": env.get("DUMAS_ACCESS_CODE_KEY", ""),
        # The audit seals' HMAC key (app/services/audit_trail/audit_seals.py). Never stored in the
        # database: whoever can write the database must not be able to forge a seal.
        "DUMAS_AUDIT_SEAL_KEY": env.get("DUMAS_AUDIT_SEAL_KEY") or _instance_secret(instance_path, "audit_seal_key"),
        # Every seal is also appended to this JSON-lines file, a copy out of the database's
        # reach ("" = none); and how often the chains are sealed (besides at every print).
        "DUMAS_AUDIT_SEAL_LOG": env.get("DUMAS_AUDIT_SEAL_LOG", str(instance_path / "audit_seals.jsonl")),
        "DUMAS_AUDIT_SEAL_SECONDS": float(env.get("DUMAS_AUDIT_SEAL_SECONDS", "600")),
        # PostgreSQL: the role the application connects as. When set, migrations (run as
        # the tables' owner) grant it ordinary rights but only INSERT and SELECT on the
        # audit tables (app/db_roles.py).
        "DUMAS_DB_APP_ROLE": env.get("DUMAS_DB_APP_ROLE", ""),
        # A failed statement's error (and so its log line) never carries the values, such
        # as a complainant's identity (app/log_redaction.py).
        "SQLALCHEMY_ENGINE_OPTIONS": {"hide_parameters": True},
        "REDIS_URL": redis_url,
        # Who fires due timers: "thread" (the embedded default, in the web process),
        # "celery" (beat sweeps, workers fire; with REDIS_URL) or "off".
        "DUMAS_TIMERS": env.get("DUMAS_TIMERS") or ("celery" if redis_url else "thread"),
        "DUMAS_SWEEP_SECONDS": float(env.get("DUMAS_SWEEP_SECONDS", "1")),
        # Who makes a report asked for on /laporan: "thread" (embedded default, a thread of
        # the web process per report), "celery" (a worker; with REDIS_URL) or "off".
        "DUMAS_REPORTS": env.get("DUMAS_REPORTS") or ("celery" if redis_url else "thread"),
        "CELERY": {
            "broker_url": redis_url or "memory://",
            "result_backend": None,
            "task_ignore_result": True,
            # A worker that dies mid-task leaves its message to be redelivered.
            "task_acks_late": True,
            "task_reject_on_worker_lost": True,
            "worker_prefetch_multiplier": 1,
            # A Redis outage is waited out, however long: retry the broker forever, also
            # when it is down as a worker starts (the default gives up after 100 tries
            # and the worker exits). docker-compose.yml also runs workers without
            # gossip/mingle/heartbeat, whose channels broke on reconnecting.
            "broker_connection_retry": True,
            "broker_connection_retry_on_startup": True,
            "broker_connection_max_retries": None,
            # No remote control: its broadcast channel is one more to break on a reconnect,
            # and nothing here sends control commands.
            "worker_enable_remote_control": False,
            "task_default_queue": env.get("DUMAS_CELERY_QUEUE", "dumas"),
            "beat_schedule": {
                "sweep-due-timers": {"task": "app.tasks.timers.sweep_due_timers", "schedule": 1.0},
                # Makes last semester's reports once; a cheap no-op the rest of the time.
                "semester-reports": {"task": "app.tasks.reports.generate_semester_reports", "schedule": 3600.0},
                "send-notifications": {"task": "app.tasks.notifications.send_notifications", "schedule": 5.0},
                "seal-audit-chains": {"task": "app.tasks.audit.seal_audit_chains",
                                      "schedule": float(env.get("DUMAS_AUDIT_SEAL_SECONDS", "600"))},
                "fetch-mail": {"task": "app.tasks.mail.fetch_mail",
                               "schedule": float(env.get("DUMAS_MAIL_FETCH_SECONDS", "60"))},
            },
            "imports": ("app.tasks.timers", "app.tasks.reports", "app.tasks.notifications", "app.tasks.audit",
                        "app.tasks.mail"),
        },
        # Times are stored in UTC and shown in this zone; per-organisation zones (WITA,
        # WIT) come with the working-day calendar.
        "BABEL_DEFAULT_TIMEZONE": env.get("DUMAS_TIMEZONE", "Asia/Jakarta"),
        # Where the deployable models live: bpmn/, dmn/ and forms/ side by side.
        "DUMAS_MODELS_DIR": Path(env.get("DUMAS_MODELS_DIR") or PROJECT_ROOT),
        # `npm ci` installs the modeler's libraries here (app/vendor serves their dist/).
        "DUMAS_NODE_MODULES": Path(env.get("DUMAS_NODE_MODULES") or PROJECT_ROOT / "node_modules"),
        # The deploy gate's diagram checker; empty: DUMAS_NODE_MODULES/.bin/bpmnlint.
        "DUMAS_BPMNLINT": env.get("DUMAS_BPMNLINT", ""),
        # Five attachments of at most 5 MB plus the form fields; a larger request is
        # refused (413) before any of it is read into memory or stored.
        "MAX_CONTENT_LENGTH": 30 * 1024 * 1024,
        # werkzeug's scrypt; tests lower the cost (tests/conftest.py), never production.
        "PASSWORD_HASH_METHOD": "scrypt",
        "SESSION_COOKIE_HTTPONLY": True,
        "SESSION_COOKIE_SAMESITE": "Lax",
        # Behind HTTPS (docker-compose.yml) cookies travel only over TLS; the embedded
        # default serves plain http://127.0.0.1, where a secure cookie would never return.
        "SESSION_COOKIE_SECURE": env.get("SESSION_COOKIE_SECURE", "0") == "1",
        # A staff session left without a request this long is ended (app/auth/sessions.py).
        "DUMAS_SESSION_IDLE_MINUTES": int(env.get("DUMAS_SESSION_IDLE_MINUTES", "30")),
        # The first of the growing waits after three failed sign-ins (then 2x, 4x, ... up to
        # 8 s); the lockout itself is in DUMAS_RATE_LIMITS (login_user, login_address).
        "DUMAS_LOGIN_DELAY_SECONDS": float(env.get("DUMAS_LOGIN_DELAY_SECONDS", "1")),
        # Email (app/services/mail/notifications.py). Without DUMAS_SMTP_HOST messages stay
        # queued, readable by the system administrator at /admin/kotak-keluar.
        "DUMAS_SMTP_HOST": env.get("DUMAS_SMTP_HOST", ""),
        "DUMAS_SMTP_PORT": int(env.get("DUMAS_SMTP_PORT", "25")),
        "DUMAS_SMTP_USER": env.get("DUMAS_SMTP_USER", ""),
        "DUMAS_SMTP_PASSWORD": env.get("DUMAS_SMTP_PASSWORD", ""),
        "DUMAS_SMTP_STARTTLS": env.get("DUMAS_SMTP_STARTTLS", "0") == "1",
        "DUMAS_MAIL_FROM": env.get("DUMAS_MAIL_FROM", "dumas@localhost"),
        # Where complainants' replies go when the organisation's mail settings name no
        # address of their own; sent as a plus-address with the tracking number.
        "DUMAS_MAIL_REPLY_TO": env.get("DUMAS_MAIL_REPLY_TO", ""),
        # Where citizens reach the public pages, for links in emails (none when unset).
        "DUMAS_PUBLIC_URL": env.get("DUMAS_PUBLIC_URL", "").rstrip("/"),
        # Who sends: "thread" (embedded default), "celery" (beat, with REDIS_URL) or "off".
        "DUMAS_NOTIFICATIONS": env.get("DUMAS_NOTIFICATIONS") or ("celery" if redis_url else "thread"),
        "DUMAS_NOTIFY_SECONDS": float(env.get("DUMAS_NOTIFY_SECONDS", "5")),
        # Inbound mail (app/services/mail/imap_fetch.py): who fetches the organisations'
        # mailboxes ("thread", "celery" with REDIS_URL, or "off") and how often; each
        # mailbox's host, port, user and SSL are the organisation's mail settings, its
        # password here only, as JSON: {"bsn": "secret", ...}.
        "DUMAS_MAIL_FETCH": env.get("DUMAS_MAIL_FETCH") or ("celery" if redis_url else "thread"),
        "DUMAS_MAIL_FETCH_SECONDS": float(env.get("DUMAS_MAIL_FETCH_SECONDS", "60")),
        "DUMAS_IMAP_PASSWORDS": json.loads(env.get("DUMAS_IMAP_PASSWORDS") or "{}"),
        "DUMAS_DIGEST_HOUR": int(env.get("DUMAS_DIGEST_HOUR", "7")),  # staff digest, local time
        # Abuse resistance (app/services/intake/abuse.py): X-Forwarded-For is believed only from
        # this many proxies in front of the app; "scope=hits/seconds,..." overrides limits.
        "DUMAS_TRUSTED_PROXIES": int(env.get("DUMAS_TRUSTED_PROXIES", "0")),
        "DUMAS_RATE_LIMITS": env.get("DUMAS_RATE_LIMITS", ""),
        "DUMAS_MIN_FILL_SECONDS": float(env.get("DUMAS_MIN_FILL_SECONDS", "3")),
        # Staff sign-in through an OpenID Connect provider (app/auth/oidc.py), off unless the
        # issuer is set. The identity opens the local account whose username equals the
        # claim (or whose e-mail, with MATCH_CLAIM=email); CREATE_USERS_IN names the
        # organisation in which an unknown identity gets a new account without roles
        # (empty: never create). The label is the button's text on the login page.
        "DUMAS_OIDC_ISSUER": env.get("DUMAS_OIDC_ISSUER", ""),
        "DUMAS_OIDC_CLIENT_ID": env.get("DUMAS_OIDC_CLIENT_ID", ""),
        "DUMAS_OIDC_CLIENT_SECRET": env.get("DUMAS_OIDC_CLIENT_SECRET", ""),
        "DUMAS_OIDC_SCOPES": env.get("DUMAS_OIDC_SCOPES", "openid profile email"),
        "DUMAS_OIDC_MATCH_CLAIM": env.get("DUMAS_OIDC_MATCH_CLAIM", "preferred_username"),
        "DUMAS_OIDC_CREATE_USERS_IN": env.get("DUMAS_OIDC_CREATE_USERS_IN", ""),
        "DUMAS_OIDC_LABEL": env.get("DUMAS_OIDC_LABEL", "Masuk dengan akun instansi (SSO)"),
    }
