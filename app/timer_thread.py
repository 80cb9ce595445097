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
