"""The wall clock in one place: login delays, lockout windows and idle sessions read it
here, so a test can move time (the only thing tests fake) instead of waiting."""
import time


def now() -> float:
    """Unix seconds."""
    return time.time()


def sleep(seconds: float) -> None:
    time.sleep(seconds)
