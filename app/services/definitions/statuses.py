"""The case statuses and their words, as data (`case_statuses`): a new agency's SOP can
bring a status of its own without a change to the code.

A diagram sets a case's status with the camunda:property `status`; the deploy gate
refuses a status that is not here (app/services/modelling/agency_gate.py). The process owner adds
and rewords statuses at /admin/model/status; the shipped SOPs' statuses are seeded from
seed/statuses.json (`organisations seed`, `demo seed`), never overwriting an edit.

A code missing here is shown as UNKNOWN_STATUS rather than as the raw code, so an
internal name never reaches the public page.
"""
import json
import re
from dataclasses import dataclass
from pathlib import Path

from flask import current_app
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l

from app.extensions import db
from app.i18n import in_language
from app.models import CaseStatus
from app.services.audit_trail.audit import record_event

UNKNOWN_STATUS = _l("Sedang diproses")
UNKNOWN_DESCRIPTION = _l("Pengaduan Anda sedang diproses.")
STATUS_CODE = re.compile(r"^[a-z][a-z0-9_]{0,49}$")
_CACHE_KEY = "dumas.case_statuses"


class StatusError(ValueError):
    """A status that cannot be saved; the message says why."""


@dataclass(frozen=True)
class StatusWords:
    label: tuple[str, str]  # Indonesian, English
    description: tuple[str, str] | None


def seed_file() -> Path:
    return Path(current_app.config["DUMAS_MODELS_DIR"]) / "seed" / "statuses.json"


def all_statuses() -> dict[str, StatusWords]:
    """Every status by code, read once per database session (a request, a task): pages
    label many rows, and an edit is seen from the next request."""
    cached = db.session.info.get(_CACHE_KEY)
    if cached is None:
        cached = {
            row.code: StatusWords(
                label=(row.label_id, row.label_en),
                description=(row.description_id, row.description_en or row.description_id)
                if row.description_id else None)
            for row in db.session.scalars(db.select(CaseStatus).order_by(CaseStatus.code))
        }
        db.session.info[_CACHE_KEY] = cached
    return cached


def _forget() -> None:
    db.session.info.pop(_CACHE_KEY, None)


def _pick(pair: tuple[str, str], lang: str) -> str:
    """The agency's own words (data, both languages in the row) in `lang`."""
    return pair[1] if lang == "en" else pair[0]


def status_label(status: str, *, lang: str) -> str:
    words = all_statuses().get(status)
    return _pick(words.label, lang) if words else in_language(UNKNOWN_STATUS, lang)


def status_description(status: str, *, lang: str) -> str:
    words = all_statuses().get(status)
    if words and words.description:
        return _pick(words.description, lang)
    return in_language(UNKNOWN_DESCRIPTION, lang)


def has_public_description(status: str) -> bool:
    words = all_statuses().get(status)
    return bool(words and words.description)


def ensure_shipped_statuses(path: Path | None = None) -> int:
    """Add the statuses of seed/statuses.json that are missing; an existing one keeps its
    (possibly edited) words. Returns how many were added; no commit."""
    existing = set(db.session.scalars(db.select(CaseStatus.code)))
    added = 0
    for entry in json.loads((path or seed_file()).read_text(encoding="utf-8")):
        if entry["code"] in existing:
            continue
        description = entry.get("description") or {}
        db.session.add(CaseStatus(code=entry["code"], label_id=entry["label"]["id"], label_en=entry["label"]["en"],
                                  description_id=description.get("id"), description_en=description.get("en")))
        added += 1
    db.session.flush()
    _forget()
    return added


def _words(value: str, *, required: bool, limit: int) -> str | None:
    value = " ".join((value or "").split())
    if not value:
        if required:
            raise StatusError(_("Label Indonesia dan Inggris wajib diisi."))
        return None
    if len(value) > limit:
        raise StatusError(_("Teks terlalu panjang (paling banyak %(n)d karakter).", n=limit))
    return value


def save_status(*, code: str, label_id: str, label_en: str, description_id: str = "", description_en: str = "",
                actor: str) -> CaseStatus:
    """Add a status or reword one; audited (`status.created`, `status.updated`). Commits.
    A code is never renamed or removed: running cases and the audit trail hold it."""
    code = (code or "").strip()
    if not STATUS_CODE.match(code):
        raise StatusError(_("Kode status ditulis huruf kecil, angka dan garis bawah, diawali huruf "
                            "(mis. menunggu_klarifikasi), paling banyak 50 karakter."))
    values = {
        "label_id": _words(label_id, required=True, limit=255), "label_en": _words(label_en, required=True, limit=255),
        "description_id": _words(description_id, required=False, limit=2000),
        "description_en": _words(description_en, required=False, limit=2000),
    }
    if bool(values["description_id"]) != bool(values["description_en"]):
        raise StatusError(_("Penjelasan untuk pengadu diisi dalam kedua bahasa, atau dikosongkan keduanya."))
    status = db.session.get(CaseStatus, code)
    before = None
    if status is None:
        status = CaseStatus(code=code, **values)
        db.session.add(status)
    else:
        before = {key: getattr(status, key) for key in values}
        for key, value in values.items():
            setattr(status, key, value)
    if before != values:
        record_event(case=None, action="status.updated" if before else "status.created", actor=actor, detail=code,
                     data_before=before, data_after=values)
    db.session.commit()
    _forget()
    return status
