"""Saved inbox filters: a user names the filter they are looking at and opens it again
with one click; a head (app/services/organisation/supervision.py) may share one with their unit, and
every member of that unit then sees it. Other units never see it."""
from flask_babel import gettext as _
from sqlalchemy import or_
from sqlalchemy.exc import IntegrityError

from app.extensions import db
from app.models import SavedFilter, User
from app.services.organisation.supervision import is_head
from app.services.worklist.inbox import TABS

MAX_NAME = 80
MAX_PER_USER = 50
# The inbox's query parameters a filter may hold; anything else is dropped.
_TEXT_PARAMS = ("proses", "lajur")


class SavedFilterError(ValueError):
    """Why a filter was not saved, in the reader's language."""


class FilterNotFound(LookupError):
    pass


def clean_params(raw: dict) -> dict:
    """The inbox parameters worth keeping, each checked: the tab, the process key, the
    lane, overdue only."""
    params = {}
    if raw.get("tab") in TABS:
        params["tab"] = raw["tab"]
    for name in _TEXT_PARAMS:
        value = (raw.get(name) or "").strip()
        if value:
            if len(value) > 100:
                raise SavedFilterError(_("Nilai filter terlalu panjang."))
            params[name] = value
    if raw.get("terlambat") == "1":
        params["terlambat"] = "1"
    return params


def visible_filters(*, user: User) -> list[SavedFilter]:
    """The user's own filters, then those shared with their unit by others, by name."""
    condition = SavedFilter.owner_id == user.id
    if user.unit_code:
        condition = or_(condition, SavedFilter.shared_unit_code == user.unit_code)
    rows = db.session.scalars(db.select(SavedFilter).where(condition).order_by(SavedFilter.name, SavedFilter.id))
    return sorted(rows, key=lambda f: f.owner_id != user.id)


def save_filter(*, user: User, name: str, params: dict, share_with_unit: bool = False) -> SavedFilter:
    """Keep the filter under `name` (unique per user); commits."""
    name = (name or "").strip()
    if not name:
        raise SavedFilterError(_("Beri nama filter ini."))
    if len(name) > MAX_NAME:
        raise SavedFilterError(_("Nama filter paling banyak %(n)s karakter.", n=MAX_NAME))
    if share_with_unit:
        if not is_head(user):
            raise SavedFilterError(_("Hanya kepala yang dapat membagikan filter kepada unitnya."))
        if not user.unit_code:
            raise SavedFilterError(_("Akun Anda tidak berada di unit mana pun; filter tidak dapat dibagikan."))
    count = db.session.scalar(db.select(db.func.count()).where(SavedFilter.owner_id == user.id))
    if count >= MAX_PER_USER:
        raise SavedFilterError(_("Paling banyak %(n)s filter per pengguna; hapus yang tidak dipakai.", n=MAX_PER_USER))
    saved = SavedFilter(owner_id=user.id, name=name, params=clean_params(params),
                        shared_unit_code=user.unit_code if share_with_unit else None)
    db.session.add(saved)
    try:
        db.session.commit()
    except IntegrityError:
        db.session.rollback()
        raise SavedFilterError(_("Anda sudah punya filter bernama \u201c%(name)s\u201d.", name=name)) from None
    return saved


def delete_filter(*, user: User, filter_id: int) -> None:
    """Only its owner deletes a filter; anyone else's reads as not found. Commits."""
    saved = db.session.get(SavedFilter, filter_id)
    if saved is None or saved.owner_id != user.id:
        raise FilterNotFound
    db.session.delete(saved)
    db.session.commit()
