"""Validation of task form submissions against the declarative forms in forms/."""
import json
from pathlib import Path

import pytest
from flask import Flask
from flask_babel import Babel

from app.services.definitions.forms import (
    FormDefinitionError,
    FormValidationError,
    check_definition,
    load_form_directory,
    validate_submission,
)

ROOT = Path(__file__).resolve().parents[2]
FORMS = load_form_directory(ROOT / "forms")


def _with_catalogue() -> Flask:
    """The smallest app that reads app/translations: messages are Flask-Babel strings."""
    app = Flask("dumas_forms_test", root_path=str(ROOT / "app"))
    Babel(app)
    return app


def _errors(form_key, data, **kwargs):
    with pytest.raises(FormValidationError) as info:
        validate_submission(FORMS[form_key], data, **kwargs)
    return info.value.errors


def test_review_form_has_the_three_decision_inputs():
    names = {f["name"]: f["type"] for f in FORMS["telaah_000"]["fields"]}
    assert {names[k] for k in ("logis", "berkadar_pengawasan", "kewenangan")} == {"boolean"}
    assert {f["name"]: f["type"] for f in FORMS["verifikasi_000"]["fields"]}["lengkap"] == "boolean"


def test_html_and_json_booleans_are_read_alike():
    base = {"lokasi_kasus": "Jakarta"}
    assert validate_submission(FORMS["verifikasi_000"], {**base, "lengkap": "ya"})["lengkap"] is True
    assert validate_submission(FORMS["verifikasi_000"], {**base, "lengkap": True})["lengkap"] is True
    cleaned = validate_submission(FORMS["verifikasi_000"], {**base, "lengkap": "false", "catatan_verifikasi": "KTP"})
    assert cleaned["lengkap"] is False


def test_every_bad_field_gets_its_own_message_in_the_chosen_language():
    errors = _errors("verifikasi_000", {"lengkap": "mungkin", "tidak_ada": "x"})
    assert errors == {
        "lengkap": "Pilih Ya atau Tidak.",
        "lokasi_kasus": "Wajib diisi.",
        "tidak_ada": "Isian ini tidak ada pada formulir.",
    }
    with _with_catalogue().app_context():
        assert _errors("verifikasi_000", {"lengkap": True}, lang="en") == {"lokasi_kasus": "This field is required."}


def test_required_when_follows_the_other_answers():
    review = {
        "inti_masalah": "x", "peraturan_terkait": "y", "memo": "z",
        "logis": True, "kewenangan": True, "berkadar_pengawasan": False,
    }
    assert _errors("telaah_000", review) == {"unit_tujuan": "Wajib diisi."}
    assert validate_submission(FORMS["telaah_000"], {**review, "berkadar_pengawasan": True})["berkadar_pengawasan"] is True
    assert _errors("verifikasi_000", {"lengkap": False, "lokasi_kasus": "Bogor"}) == {"catatan_verifikasi": "Wajib diisi."}


def test_unit_must_be_a_known_unit_when_units_are_given():
    review = {
        "inti_masalah": "x", "peraturan_terkait": "y", "memo": "z",
        "logis": True, "kewenangan": True, "berkadar_pengawasan": False, "unit_tujuan": "Unit Fiktif",
    }
    assert _errors("telaah_000", review, references={"unit": {"Deputi Bidang Akreditasi"}}) == {
        "unit_tujuan": "Unit kerja ini bukan unit instansi kasus ini."
    }


def test_choices_dates_and_lengths_are_checked():
    assert _errors("tanggapan_kepala_000", {"bentuk_tindak_lanjut": "ditelepon", "laporan_tindak_lanjut": "ok"}) == {
        "bentuk_tindak_lanjut": "Pilih salah satu pilihan yang tersedia."
    }
    errors = _errors(
        "penyaluran_instansi_000",
        {"instansi_tujuan": "antah-berantah", "nomor_surat": "1" * 101, "tanggal_surat": "31-12-2026"},
        references={"organisation": {"ombudsman", "katingan"}},
    )
    assert errors == {
        "instansi_tujuan": "Instansi ini tidak dikenal atau merupakan instansi kasus ini sendiri.",
        "nomor_surat": "Terlalu panjang (maksimal 100 karakter).",
        "tanggal_surat": "Tanggal tidak valid (format TTTT-BB-HH).",
    }
    cleaned = validate_submission(
        FORMS["penyaluran_instansi_000"], {"instansi_tujuan": "ombudsman", "nomor_surat": "1", "tanggal_surat": "2026-12-31"},
        references={"organisation": {"ombudsman"}},
    )
    assert cleaned["tanggal_surat"] == "2026-12-31"


def test_a_broken_form_definition_is_refused_with_its_name():
    with pytest.raises(FormDefinitionError, match="rusak.json"):
        check_definition(json.loads('{"key": "rusak", "fields": [{"name": "a", "type": "warna"}]}'), source="rusak.json")
