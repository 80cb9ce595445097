"""No complainant's identity in a log line.

Nothing in Dumas logs identity on purpose; this is the net under mistakes: every log
record, from any logger and to any handler, has NIKs, email addresses and Indonesian
phone numbers replaced before it is formatted, its traceback included. Names cannot be
recognised by shape, so the database engine is also told never to put statement
parameters (the values being stored) into its errors (config: SQLALCHEMY_ENGINE_OPTIONS
hide_parameters), which is where a failed insert would otherwise carry them, and the
row PostgreSQL quotes in a constraint error is cut out.
"""
import logging
import re
import traceback

_NOT_IN_DECIMAL_BEFORE = r"(?<!\d)(?<!\d\.)"
_NOT_IN_DECIMAL_AFTER = r"(?!\d)(?!\.\d)"
_PATTERNS = (
    # PostgreSQL's own error details quote the row or key being written.
    (re.compile(r"(Failing row contains )\(.*\)"), r"\1(…)"),
    (re.compile(r"(Key \([^)]*\)=)\(.*?\)( already exists| is not present)"), r"\1(…)\2"),
    # Digits that are part of a decimal number ("succeeded in 0.1234567890123456s", a
    # Celery duration) are not an identity: neither NIK nor phone may touch "<digit>.".
    (re.compile(_NOT_IN_DECIMAL_BEFORE + r"\d{16}" + _NOT_IN_DECIMAL_AFTER), "[NIK]"),
    (re.compile(r"[^\s@<>\"'(),;:]+@[^\s@<>\"'(),;:]+\.[A-Za-z]{2,}"), "[email]"),
    (re.compile(r"(?<!\+)" + _NOT_IN_DECIMAL_BEFORE + r"(?:\+62|62|0)[1-9]\d{7,12}" + _NOT_IN_DECIMAL_AFTER),
     "[no. HP]"),
)
_installed = False


def redact(text: str) -> str:
    for pattern, label in _PATTERNS:
        text = pattern.sub(label, text)
    return text


class _RedactedRecord(logging.LogRecord):
    def getMessage(self) -> str:
        return redact(super().getMessage())


def _factory(*args, **kwargs) -> logging.LogRecord:
    record = _RedactedRecord(*args, **kwargs)
    if record.exc_info and record.exc_info[0] is not None:
        # Formatters reuse exc_text when set, so the traceback is redacted once, here.
        record.exc_text = redact("".join(traceback.format_exception(*record.exc_info)).rstrip("\n"))
    if record.stack_info:
        record.stack_info = redact(record.stack_info)
    return record


def install_log_redaction() -> None:
    """Make every log record redacted; idempotent (create_app runs once per app)."""
    global _installed
    if not _installed:
        logging.setLogRecordFactory(_factory)
        _installed = True
