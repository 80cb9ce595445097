"""How a recorded value reads to a person: one presentation for the case page, the
timeline, the API's event text, the printed case file and the reports.

Keys are named by the form that asked for them (forms/*.json) or by the decision table
that computed them (dmn/*.dmn); options by their labels; booleans are Ya/Tidak; lists are
joined; dates and times are in the organisation's zone with its abbreviation (WIB, WITA,
WIT); numbers use the language's decimal separator; sizes are in KB/MB. Nothing here
returns Python's own spelling of a value (True, None, a dict or a list).

Sentences go through Flask-Babel's gettext, so the caller decides the language by the
locale in force (a request's, or force_locale for a PDF); `lang` picks the form labels.
"""
import re
from dataclasses import dataclass, field
from datetime import date, datetime
from decimal import Decimal
from xml.etree import ElementTree
from zoneinfo import ZoneInfo

from babel.dates import format_date
from babel.numbers import format_decimal
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l

from app.models import ProcessVersion
from app.services.definitions.processes import version_forms
from app.services.intake.tracking import status_label

# Indonesia's three zones; an organisation elsewhere shows its UTC offset instead.
ZONE_ABBREVIATIONS = {
    "Asia/Jakarta": "WIB", "Asia/Pontianak": "WIB",
    "Asia/Makassar": "WITA", "Asia/Ujung_Pandang": "WITA",
    "Asia/Jayapura": "WIT",
}
DMN = re.compile(r"\{https://www\.omg\.org/spec/DMN/[^}]+\}")
_ISO_MOMENT = re.compile(r"^\d{4}-\d{2}-\d{2}[T ]\d{2}:\d{2}")
_ISO_DAY = re.compile(r"^\d{4}-\d{2}-\d{2}$")
_CODE = re.compile(r"^[a-z][a-z0-9]*(_[a-z0-9]+)+$")
DASH = "—"


def _bilingual(value, lang: str) -> str:
    if isinstance(value, dict):
        return value.get(lang) or value.get("id") or ""
    return str(value or "")


# Keys the application itself records in the audit trail (not from a form); lazy, so the
# table is built once and each label is translated only when shown.
_OWN_LABELS = {
    "due_at": _l("Batas waktu"), "fired_at": _l("Tercapai pada"), "status": _l("Status"),
    "rating": _l("Nilai"), "comment": _l("Komentar"), "reason": _l("Alasan"), "text": _l("Keterangan"),
    "files": _l("Lampiran"), "filename": _l("Berkas"), "size": _l("Ukuran"), "kind": _l("Jenis"),
    "sha256": "SHA-256", "missing": _l("Kekurangan data"), "channel": _l("Kanal"),
    "confidentiality": _l("Kerahasiaan"), "received_on": _l("Diterima pada"),
    "organisation_name": _l("Instansi tujuan"), "attempt": _l("Percobaan ke"),
    "next_attempt_at": _l("Dicoba lagi pada"), "given_up": _l("Dihentikan"),
    "source_tracking_number": _l("Nomor kasus pemantauan"), "org_unit": _l("Unit kerja"),
    "nomor_pelacakan": _l("Nomor pelacakan"), "keterangan": _l("Keterangan"), "alasan": _l("Alasan"),
    "lampiran": _l("Lampiran"),
}


# Internal identifiers that a person has no use for; they stay in the API's raw data.
# `on_behalf_of` (a Plt.'s step) is read with the actor (presentation_events.actor_text).
HIDDEN_KEYS = frozenset({"notification_id", "linked_case_id", "source_case_id", "organisation", "sha256",
                         "on_behalf_of"})


@dataclass
class Labels:
    """The names of a process version's keys and options, from its forms and tables."""

    fields: dict[str, dict] = field(default_factory=dict)
    decision_keys: dict[str, str] = field(default_factory=dict)

    def key(self, name: str, *, lang: str) -> str:
        if name in self.fields and self.fields[name].get("label"):
            return _bilingual(self.fields[name]["label"], lang)
        if name in self.decision_keys:
            return self.decision_keys[name]
        return str(_OWN_LABELS[name]) if name in _OWN_LABELS else humanise(name)

    def value(self, name: str, value, *, lang: str, zone: ZoneInfo) -> str:
        spec = self.fields.get(name)
        if spec is not None and spec.get("options"):
            options = {o["value"]: _bilingual(o.get("label"), lang) for o in spec["options"]}
            if isinstance(value, list):
                return ", ".join(options.get(v) or show(v, lang=lang, zone=zone) for v in value) or DASH
            if value in options:
                return options[value]
        if name in self.decision_keys and isinstance(value, str) and re.fullmatch(r"[a-z0-9_]+", value):
            return humanise(value)  # a table's output code: "pengawasan" → "Pengawasan"
        if name == "size" and isinstance(value, int):
            return file_size(value, lang=lang)
        if name in ("confidentiality", "kerahasiaan") and isinstance(value, str):
            return confidentiality_label(value)
        if name == "status" and isinstance(value, str):
            return status_label(value, lang=lang)
        return show(value, lang=lang, zone=zone)


_labels_cache: dict[str, Labels] = {}


def labels_for(version: ProcessVersion | None) -> Labels:
    """The labels of a version, read once per process: a deployed version never changes."""
    if version is None:
        return Labels()
    cached = _labels_cache.get(version.content_hash)
    if cached is not None:
        return cached
    labels = Labels()
    for form in version_forms(version).values():
        for spec in form.get("fields", []):
            labels.fields.setdefault(spec["name"], spec)
    for xml in (version.decision_files or {}).values():
        labels.decision_keys.update(_decision_keys(xml))
    return _labels_cache.setdefault(version.content_hash, labels)


def _decision_keys(xml: str) -> dict[str, str]:
    """Input expressions and output names of a decision table, with their labels."""
    if re.search(r"<!DOCTYPE|<!ENTITY", xml, re.IGNORECASE):
        return {}
    try:
        root = ElementTree.fromstring(xml)
    except ElementTree.ParseError:
        return {}
    keys: dict[str, str] = {}
    for element in root.iter():
        tag, label, name = DMN.sub("", element.tag), element.get("label"), element.get("name")
        if tag == "input" and label:
            expression = next((e for e in element.iter() if DMN.sub("", e.tag) == "text"), None)
            text = (expression.text or "").strip() if expression is not None else ""
            if text.isidentifier():
                keys[text] = label
        elif tag == "output" and name:
            keys[name] = label or humanise(name)
    return keys


def humanise(code: str) -> str:
    """A snake_case code as words: audit_investigasi → Audit investigasi."""
    words = str(code).replace("_", " ").replace(".", " ").strip()
    return words[:1].upper() + words[1:]


def zone_abbreviation(zone: ZoneInfo, moment: datetime | None = None) -> str:
    name = getattr(zone, "key", str(zone))
    if name in ZONE_ABBREVIATIONS:
        return ZONE_ABBREVIATIONS[name]
    offset = (moment or datetime.now(zone)).astimezone(zone).strftime("%z")
    return f"UTC{offset[:3]}:{offset[3:]}"


def local_time(moment: datetime | None, *, zone: ZoneInfo, seconds: bool = False) -> str:
    """`2026-12-04 21:46 WIB`: the same in both languages, as on official letters."""
    if moment is None:
        return ""
    if moment.tzinfo is None:  # stored in UTC; SQLite may hand back a naive value
        from datetime import timezone

        moment = moment.replace(tzinfo=timezone.utc)
    pattern = "%Y-%m-%d %H:%M:%S" if seconds else "%Y-%m-%d %H:%M"
    return f"{moment.astimezone(zone).strftime(pattern)} {zone_abbreviation(zone, moment)}"


def long_date(day: date, *, lang: str) -> str:
    return format_date(day, "d MMMM y", locale=lang)


def number(value, *, lang: str) -> str:
    return format_decimal(value, locale=lang)


def file_size(size: int, *, lang: str) -> str:
    """Bytes as a person reads them: 25,5 KB, 1,2 MB."""
    if size < 1024:
        return f"{size} B"
    if size < 1024 * 1024:
        return f"{format_decimal(size / 1024, format='#,##0.0', locale=lang)} KB"
    return f"{format_decimal(size / 1024 / 1024, format='#,##0.0', locale=lang)} MB"


def confidentiality_label(level: str) -> str:
    return {"anonim": _("Anonim"), "rahasia": _("Rahasia"), "biasa": _("Biasa")}.get(level, humanise(level))


def show(value, *, lang: str, zone: ZoneInfo) -> str:
    """Any recorded value as text: never True, None, a dict's or a list's Python form."""
    if value is None or value == "" or value == []:
        return DASH
    if isinstance(value, bool):
        return _("Ya") if value else _("Tidak")
    if isinstance(value, (int, float, Decimal)):
        return number(value, lang=lang)
    if isinstance(value, datetime):
        return local_time(value, zone=zone)
    if isinstance(value, date):
        return long_date(value, lang=lang)
    if isinstance(value, list):
        return ", ".join(show(item, lang=lang, zone=zone) for item in value)
    if isinstance(value, dict):
        return "; ".join(f"{humanise(k)}: {show(v, lang=lang, zone=zone)}" for k, v in value.items())
    return _show_text(str(value), lang=lang, zone=zone)


def _show_text(text: str, *, lang: str, zone: ZoneInfo) -> str:
    """A recorded string: an ISO time or day read as one, a code as words."""
    if _ISO_MOMENT.match(text):
        try:
            return local_time(datetime.fromisoformat(text), zone=zone)
        except ValueError:
            return text
    if _ISO_DAY.match(text):
        try:
            return long_date(date.fromisoformat(text), lang=lang)
        except ValueError:
            return text
    if _CODE.match(text):
        return humanise(text)
    return text


def pairs(data: dict | None, *, labels: Labels, lang: str, zone: ZoneInfo) -> list[tuple[str, str]]:
    """A recorded dict as (label, text) pairs, internal identifiers left out."""
    return [(labels.key(key, lang=lang), labels.value(key, value, lang=lang, zone=zone))
            for key, value in (data or {}).items() if key not in HIDDEN_KEYS]


def pairs_text(data: dict | None, *, labels: Labels, lang: str, zone: ZoneInfo) -> str:
    return "; ".join(f"{k}: {v}" for k, v in pairs(data, labels=labels, lang=lang, zone=zone))

