"""The embedded default's mail sender: a daemon thread in the web process, beside the
timer sweeper (app/timer_thread.py), so that notifications go out with no Redis and no
Celery. With REDIS_URL set, Celery beat runs the same services (app/tasks/notifications.py)."""
import logging
import threading
from collections.abc import Callable

from flask import Flask

from app.extensions import db

log = logging.getLogger(__name__)


def start_notification_thread(app: Flask, *, interval: float) -> Callable[[], None]:
    """Send due messages and queue the day's digests every `interval` seconds until the
    returned function is called."""
    stopping = threading.Event()

    def send_forever():
        from app.services.notifications import queue_staff_digests, send_due_notifications

        while not stopping.is_set():
            try:
                with app.app_context():
                    queue_staff_digests()
                    send_due_notifications()
                    db.session.remove()
            except Exception:  # a broken round must not stop the next one
                log.exception("notification round failed")
            stopping.wait(interval)

    thread = threading.Thread(target=send_forever, name="dumas-notifications", daemon=True)
    thread.start()

    def stop():
        stopping.set()
        thread.join(timeout=30)

    return stop
