"""No complainant's identity in a log line: what the application logs, a traceback, and a
database error raised while storing a complaint (app/log_redaction.py)."""
import logging

import pytest
from sqlalchemy import text
from sqlalchemy.exc import DBAPIError

from app.extensions import db
from app.log_redaction import redact
from tests.helpers.identity_helpers import IDENTITY, leaks


def _logger(name: str) -> logging.Logger:
    # The migrations' logging config (alembic.ini) disables loggers that existed before
    # it ran; these tests want theirs live.
    logger = logging.getLogger(name)
    logger.disabled = False
    return logger


def test_a_log_line_and_its_traceback_lose_nik_email_and_phone(app, caplog):
    caplog.set_level(logging.INFO)
    log = _logger("app.test_identity_logs")
    log.info("Pengaduan dari NIK %s, email %s, HP %s", IDENTITY["nik"], IDENTITY["email"], IDENTITY["no_hp"])
    try:
        raise ValueError(f"gagal mengirim ke {IDENTITY['email']} / 081377778888")
    except ValueError:
        log.exception("Pengiriman gagal")
    assert "[NIK]" in caplog.text and "[email]" in caplog.text and "[no. HP]" in caplog.text
    assert leaks(caplog.text) == []
    assert leaks(caplog.records[0].getMessage()) == []


def test_ordinary_numbers_are_left_alone():
    line = "Kasus DUMAS-2026-000123 versi 3, 200 OK dalam 12 ms, tanggal 20261123"
    assert redact(line) == line


def test_a_failed_insert_of_a_complaint_logs_no_identity(app_context, caplog):
    caplog.set_level(logging.DEBUG)
    # jenis is NOT NULL: both databases refuse the row; PostgreSQL would quote it whole.
    with pytest.raises(DBAPIError) as failure:
        db.session.execute(
            text("INSERT INTO complaints (id, nama_lengkap, nik, email, no_hp, pekerjaan, alamat, access_code_hash) "
                 "VALUES (1, :nama_lengkap, :nik, :email, :no_hp, :pekerjaan, :alamat, 'x')"),
            IDENTITY,
        )
    db.session.rollback()
    _logger("app.test_identity_logs").error("Gagal menyimpan pengaduan", exc_info=failure.value)
    assert leaks(caplog.text) == []
    assert "Gagal menyimpan pengaduan" in caplog.text
    # The statement parameters are not in the exception itself either.
    assert IDENTITY["nama_lengkap"] not in str(failure.value).split("DETAIL")[0]


def test_a_duration_in_a_log_line_is_not_taken_for_a_nik_or_phone(app, caplog):
    caplog.set_level(logging.INFO)
    log = _logger("app.test_identity_logs")
    log.info("Task dumas.send succeeded in 0.1234567890123456s, then 0.081234567890s")
    assert "succeeded in 0.1234567890123456s, then 0.081234567890s" in caplog.text
    log.info("NIK %s.", IDENTITY["nik"])
    assert "NIK [NIK]." in caplog.text
