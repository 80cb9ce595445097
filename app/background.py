"""The embedded default's background work: daemon threads in the web process, so that
deadlines fire, mail goes out and semester reports are made with no Redis and no Celery.
With REDIS_URL set, Celery beat schedules the same services instead (app/tasks/)."""
import logging
import threading
import time
from collections.abc import Callable

from flask import Flask

from app.extensions import db

log = logging.getLogger(__name__)


def start_periodic(app: Flask, *, name: str, interval: float, work: Callable[[], object],
                   join_timeout: float = 30) -> Callable[[], None]:
    """Run `work` in an app context every `interval` seconds (counted from the start of
    each round) until the returned function is called. A failed round is logged and the
    next one runs as usual: one broken case must not stop the rest."""
    stopping = threading.Event()

    def run_forever():
        while not stopping.is_set():
            started = time.monotonic()
            try:
                with app.app_context():
                    work()
                    db.session.remove()
            except Exception:
                log.exception("%s round failed", name)
            stopping.wait(max(0.0, interval - (time.monotonic() - started)))

    thread = threading.Thread(target=run_forever, name=name, daemon=True)
    thread.start()

    def stop():
        stopping.set()
        thread.join(timeout=join_timeout)

    return stop


def start_timer_thread(app: Flask, *, interval: float) -> Callable[[], None]:
    """Fire due timers, and open and close due Plt. windows, every `interval` seconds."""
    from app.services.casework.timers import fire_due_timers
    from app.services.organisation.delegations import apply_due_delegations

    def sweep():
        apply_due_delegations()
        fire_due_timers()

    return start_periodic(app, name="dumas-timers", interval=interval, work=sweep, join_timeout=10)


def start_report_thread(app: Flask, *, interval: float) -> Callable[[], None]:
    """Beat's "semester-reports" entry: last semester's reports, made once. A sibling of
    the sweeper, because a report takes seconds to render and timers must not wait."""
    from app.services.reporting.reports import generate_due_reports

    return start_periodic(app, name="dumas-reports", interval=interval, work=generate_due_reports)


def start_notification_thread(app: Flask, *, interval: float) -> Callable[[], None]:
    """Queue the day's staff digests and send due messages every `interval` seconds."""
    from app.services.mail.notifications import queue_staff_digests, send_due_notifications

    def send_round():
        queue_staff_digests()
        send_due_notifications()

    return start_periodic(app, name="dumas-notifications", interval=interval, work=send_round)


def start_seal_thread(app: Flask, *, interval: float) -> Callable[[], None]:
    """Beat's "seal-audit-chains" entry: seal the audit chains that changed."""
    from app.services.audit_trail.audit_seals import PERIODIC, seal_chains

    return start_periodic(app, name="dumas-seals", interval=interval, work=lambda: seal_chains(reason=PERIODIC))


def start_mail_thread(app: Flask, *, interval: float) -> Callable[[], None]:
    """Beat's "fetch-mail" entry: fetch every organisation's inbound mailbox."""
    from app.services.mail.imap_fetch import fetch_all_mailboxes

    return start_periodic(app, name="dumas-mail", interval=interval, work=fetch_all_mailboxes)


def start_report_job(app: Flask, *, job_id: int) -> None:
    """Make a report asked for on /laporan: a Celery task with DUMAS_REPORTS=celery (the
    default with REDIS_URL), else a thread of its own in this process, so the request
    answers at once and the page shows the job's progress."""
    mode = app.config["DUMAS_REPORTS"]
    if mode == "celery":
        from app.tasks.reports import make_report

        make_report.delay(job_id)
        return
    if mode == "off":  # tests that run the job themselves
        return
    from app.services.reporting.report_jobs import run_report_job

    def run():
        try:
            with app.app_context():
                run_report_job(job_id=job_id)
                db.session.remove()
        except Exception:
            log.exception("report job %s failed", job_id)

    threading.Thread(target=run, name=f"dumas-report-{job_id}", daemon=True).start()
