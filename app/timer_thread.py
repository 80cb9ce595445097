"""The embedded default's timer sweeper: a daemon thread in the web process, so that
deadlines fire with no Redis and no Celery. With REDIS_URL set, Celery beat does this."""
import logging
import threading
import time
from collections.abc import Callable

from flask import Flask

from app.extensions import db

log = logging.getLogger(__name__)


def start_timer_thread(app: Flask, *, interval: float) -> Callable[[], None]:
    """Sweep every `interval` seconds until the returned function is called."""
    stopping = threading.Event()

    def sweep_forever():
        from app.services.timers import fire_due_timers

        while not stopping.is_set():
            started = time.monotonic()
            try:
                with app.app_context():
                    fire_due_timers()
                    db.session.remove()
            except Exception:  # a broken sweep must not stop the next one
                log.exception("timer sweep failed")
            stopping.wait(max(0.0, interval - (time.monotonic() - started)))

    thread = threading.Thread(target=sweep_forever, name="dumas-timers", daemon=True)
    thread.start()

    def stop():
        stopping.set()
        thread.join(timeout=10)

    return stop


def start_report_thread(app: Flask, *, interval: float) -> Callable[[], None]:
    """The embedded default's stand-in for beat's "semester-reports" entry: a sibling of
    the sweeper (a report takes seconds to render; timers must not wait for it) that makes
    last semester's reports once, checking every `interval` seconds."""
    stopping = threading.Event()

    def check_forever():
        from app.services.reports import generate_due_reports

        while not stopping.is_set():
            try:
                with app.app_context():
                    generate_due_reports()
                    db.session.remove()
            except Exception:  # a failed report is tried again at the next check
                log.exception("semester report generation failed")
            stopping.wait(interval)

    thread = threading.Thread(target=check_forever, name="dumas-reports", daemon=True)
    thread.start()

    def stop():
        stopping.set()
        thread.join(timeout=30)

    return stop
