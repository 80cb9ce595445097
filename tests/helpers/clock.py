"""A clock the test moves by hand (app/clock.py's now(), monkeypatched)."""
import time
from datetime import datetime, timedelta, timezone


class FakeClock:
    def __init__(self):
        self.t = time.time()

    def now(self) -> float:
        return self.t

    def advance(self, **delta) -> None:
        self.t += timedelta(**delta).total_seconds()

    def at(self, **delta) -> datetime:
        return datetime.fromtimestamp(self.t, timezone.utc) + timedelta(**delta)
