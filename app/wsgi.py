"""The web server's entry point (`gunicorn app.wsgi:app`). In the embedded default it
also starts the timer sweeper, report, audit seal and mail sender threads; CLI commands and tests build apps without them."""
from app import create_app
from app.background import (
    start_mail_thread,
    start_notification_thread,
    start_report_thread,
    start_seal_thread,
    start_timer_thread,
)

app = create_app(migrations=False)  # the server never migrates: `flask db upgrade` does
if app.config["DUMAS_TIMERS"] == "thread":
    start_timer_thread(app, interval=app.config["DUMAS_SWEEP_SECONDS"])
    start_report_thread(app, interval=3600.0)
    start_seal_thread(app, interval=app.config["DUMAS_AUDIT_SEAL_SECONDS"])
if app.config["DUMAS_NOTIFICATIONS"] == "thread":
    start_notification_thread(app, interval=app.config["DUMAS_NOTIFY_SECONDS"])
if app.config["DUMAS_MAIL_FETCH"] == "thread":
    start_mail_thread(app, interval=app.config["DUMAS_MAIL_FETCH_SECONDS"])
