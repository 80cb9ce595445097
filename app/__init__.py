"""Dumas: public-complaint handling that runs each agency's SOP as written."""
from datetime import datetime, timezone
from pathlib import Path

from flask import Flask

from app.celery_app import celery_init_app
from app.config import load_config
from app.errors import register_error_pages
from app.extensions import babel, csrf, db, login_manager
from app.i18n import current_language, select_locale
from app.log_redaction import install_log_redaction
from app.models.search import include_in_migrations


def create_app(test_config: dict | None = None, *, migrations: bool = True) -> Flask:
    """The application. `migrations=False` (the web server, app/wsgi.py) leaves out
    `flask db` and flask_migrate.upgrade(), which only the CLI, tests and builders use."""
    install_log_redaction()
    app = Flask(__name__, instance_relative_config=True)
    app.config.from_mapping(load_config(Path(app.instance_path)))
    if test_config:
        app.config.update(test_config)
    Path(app.instance_path).mkdir(parents=True, exist_ok=True)

    db.init_app(app)
    if migrations:
        _install_migrations(app)
    _tune_sqlite(app)
    csrf.init_app(app)
    babel.init_app(app, locale_selector=select_locale, default_locale="id")
    login_manager.init_app(app)
    login_manager.login_view = "auth.login"
    login_manager.login_message = None
    app.jinja_env.globals["current_language"] = current_language
    _register_template_filters(app)
    from app.identity_view import register_identity_helpers

    register_identity_helpers(app)

    from app import models  # noqa: F401  (registers the tables with the metadata)
    from app.services.audit_trail.audit_chain import install as install_audit_chain
    from app.services.mail.outbox import install as install_outbox

    install_audit_chain()  # a session forgets the chains' heads it read when its transaction ends

    install_outbox()  # audit events that concern the complainant queue their emails
    from app.services.reporting.search_index import install as install_search_index

    install_search_index()  # the register's search indexes follow every commit
    from app.limits import install as install_limits

    install_limits(app)  # spam_guard() for the public forms

    from app.auth import oidc, profile
    from app.auth.sessions import install as install_sessions
    from app.security_headers import install as install_security_headers

    install_sessions(app)  # the user loader: ended and idle sessions are refused
    profile.install(app)  # a password an administrator chose is changed before anything else
    oidc.install(app)  # sign-in through the agency's OpenID Connect provider, when configured
    install_security_headers(app)  # CSP with nonces, framing, referrer, HSTS, no-store

    from app.input_guard import install as install_input_guard

    install_input_guard(app)  # before the blueprints: their <int:...> routes take its id converter
    _register_blueprints(app)
    register_error_pages(app)

    from app.cli import register_commands

    register_commands(app)
    celery_init_app(app)
    from app.services.modelling.bpmnlint import warn_if_missing

    with app.app_context():
        warn_if_missing()
    return app


def _install_migrations(app: Flask) -> None:
    # Flask-Migrate brings Alembic, Mako and Pygments (~11 MB) that a web worker would
    # hold from start without ever migrating: imported only by the apps that migrate.
    from flask_migrate import Migrate

    Migrate().init_app(
        app, db, render_as_batch=True, compare_type=True, include_object=include_in_migrations,
        directory=str(Path(__file__).resolve().parent.parent / "migrations"),
    )


def _register_template_filters(app: Flask) -> None:
    from zoneinfo import ZoneInfo

    from app.services.casefile.presentation import file_size, local_time
    from app.services.casefile.presentation_events import describe_events
    from app.services.intake.tracking import status_label
    from app.services.organisation.calendar import calendar_for
    from app.services.reporting.register_rows import type_label

    app.jinja_env.filters["status_label"] = lambda status: status_label(status, lang=current_language())
    # Stored in UTC; shown in the organisation's zone when named, else the configured one
    # (BABEL_DEFAULT_TIMEZONE), always with its abbreviation (WIB, WITA, WIT).
    app.jinja_env.filters["local_time"] = lambda moment, organisation=None: local_time(
        moment, zone=calendar_for(organisation).zone if organisation else ZoneInfo(app.config["BABEL_DEFAULT_TIMEZONE"]))
    app.jinja_env.filters["complaint_type"] = type_label  # its labels are lazy: read in the page's language
    app.jinja_env.filters["file_size"] = lambda size: file_size(size, lang=current_language())
    app.jinja_env.globals["describe_events"] = lambda events: describe_events(events, lang=current_language())
    app.jinja_env.globals["working_days_left"] = lambda due, organisation=None: calendar_for(
        organisation
    ).working_days_left(due, now=datetime.now(timezone.utc))
    app.jinja_env.filters["fromiso"] = datetime.fromisoformat
    app.jinja_env.globals["is_overdue"] = lambda due: due is not None and due < datetime.now(timezone.utc)


def _register_blueprints(app: Flask) -> None:
    from app.admin import bp as admin_bp
    from app.api import bp as api_bp
    from app.auth import bp as auth_bp
    from app.cases import bp as cases_bp
    from app.delegations import bp as delegations_bp
    from app.inbox import bp as inbox_bp
    from app.modeler import bp as modeler_bp
    from app.public import bp as public_bp
    from app.register import bp as register_bp
    from app.reports import bp as reports_bp
    from app.vendor import bp as vendor_bp
    from app.versions import bp as versions_bp

    app.register_blueprint(public_bp)
    app.register_blueprint(auth_bp)
    app.register_blueprint(inbox_bp)
    app.register_blueprint(cases_bp)
    app.register_blueprint(register_bp)
    app.register_blueprint(api_bp)
    app.register_blueprint(admin_bp)
    app.register_blueprint(vendor_bp)
    app.register_blueprint(versions_bp)
    app.register_blueprint(reports_bp)
    app.register_blueprint(modeler_bp)
    app.register_blueprint(delegations_bp)


def _tune_sqlite(app: Flask) -> None:
    """SQLite as a server-side database: WAL so readers never wait for the writer, a
    busy timeout so a second writer waits instead of failing, foreign keys enforced."""
    if not app.config["SQLALCHEMY_DATABASE_URI"].startswith("sqlite"):
        return
    from sqlalchemy import event

    with app.app_context():
        engine = db.engine

        @event.listens_for(engine, "connect")
        def _on_connect(dbapi_connection, _record):
            cursor = dbapi_connection.cursor()
            cursor.execute("PRAGMA journal_mode=WAL")
            cursor.execute("PRAGMA busy_timeout=10000")
            cursor.execute("PRAGMA foreign_keys=ON")
            cursor.close()
