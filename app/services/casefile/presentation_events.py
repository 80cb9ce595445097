"""Every audit event of a case as one sentence a person reads (the timeline on the case
page, the `text` of the API's events, the printed case file's trail).

The values inside come from app.services.casefile.presentation; an action this module does not
know yet still reads as words (its name humanised), never as a dotted key. Identities in
free text are the caller's to blank (app.services.organisation.identity.redact_identity).
"""
from collections.abc import Callable
from dataclasses import dataclass
from zoneinfo import ZoneInfo

from flask_babel import gettext as _

from app.extensions import db
from app.models import AuditEvent, Case
from app.services.casefile.diagram_svg import DiagramError, parse_diagram
from app.services.casefile.presentation import (
    Labels,
    confidentiality_label,
    file_size,
    humanise,
    labels_for,
    local_time,
    pairs_text,
    show,
)
from app.services.organisation.calendar import calendar_for


def _channel(code: str | None) -> str:
    return {
        "web": _("Situs web"), "api": _("API"), "surat": _("Surat pengaduan"),
        "telepon": _("Telepon / call center"), "tatap_muka": _("Tatap muka / datang langsung"),
        "kotak_pengaduan": _("Kotak pengaduan"), "email": _("Email"),
    }.get(code or "", humanise(code or "—"))


def _notification(kind: str | None) -> str:
    return {
        "digest": _("ringkasan tugas harian"), "kelengkapan": _("permintaan kelengkapan data"),
        "keberatan": _("keberatan pengadu"), "diterima": _("tanda terima pengaduan"),
    }.get(kind or "", humanise(kind or "").lower())


@dataclass(frozen=True)
class _Seen:
    """One audit event with what its sentence is made from."""

    event: AuditEvent
    before: dict
    after: dict
    detail: str
    element: str  # the element's name in the diagram, else its id in words
    labels: Labels
    lang: str
    zone: ZoneInfo
    form_data: bool

    def when(self, value) -> str:
        return show(value, lang=self.lang, zone=self.zone) if value else "—"

    def due(self) -> str:
        return self.when(self.after.get("due_at"))

    def status(self, value) -> str:
        return self.labels.value("status", value, lang=self.lang, zone=self.zone)

    def pairs(self, values: dict) -> str:
        return pairs_text(values, labels=self.labels, lang=self.lang, zone=self.zone)


def event_text(event: AuditEvent, *, labels: Labels, lang: str, zone: ZoneInfo,
               element_names: dict[str, str] | None = None, form_data: bool = True) -> str:
    """What happened, in the current locale's words; `form_data=False` leaves out what a
    completed task's form said (the printed file shows it in its timeline already)."""
    seen = _Seen(event=event, before=event.data_before or {}, after=event.data_after or {},
                 detail=event.detail or "",
                 element=(element_names or {}).get(event.element_id or "") or humanise(event.element_id or ""),
                 labels=labels, lang=lang, zone=zone, form_data=form_data)
    sentence = _SENTENCES.get(event.action, _unknown_action)
    return sentence(seen)


def _task_created(e: _Seen) -> str:
    unit = f" ({e.after['org_unit']})" if e.after.get("org_unit") else ""
    due = _(", batas waktu %(at)s", at=e.when(e.after["due_at"])) if e.after.get("due_at") else ""
    return _("Menunggu: %(step)s", step=e.detail) + unit + due


def _task_completed(e: _Seen) -> str:
    filled = e.pairs(e.after) if e.form_data else ""
    return _("Diselesaikan: %(step)s", step=e.detail) + (f" — {filled}" if filled else "")


def _task_assigned(e: _Seen) -> str:
    who = e.after.get("assignee") or "—"
    if e.after.get("assignee_name"):
        who = f"{e.after['assignee_name']} ({who})"
    text = _("Ditugaskan: %(step)s kepada %(to)s oleh %(by)s", step=e.detail, to=who, by=e.event.actor)
    if e.before.get("claimed_by"):
        text += _(", sebelumnya dipegang %(user)s", user=e.before["claimed_by"])
    return text + _(" · alasan: %(reason)s", reason=e.after.get("reason") or "—")


def _task_returned(e: _Seen) -> str:
    if e.after.get("to"):
        return _("Dikembalikan ke %(to)s setelah Plt. berakhir: %(step)s", to=e.after["to"], step=e.detail)
    return _("Dilepas setelah Plt. berakhir: %(step)s", step=e.detail)


def _document_added(e: _Seen) -> str:
    size = file_size(e.after["size"], lang=e.lang) if isinstance(e.after.get("size"), int) else "—"
    return _("Dokumen ditambahkan: %(name)s (%(size)s)", name=e.after.get("filename") or "—", size=size)


def _entered_offline(e: _Seen) -> str:
    received = _(", diterima %(day)s", day=e.when(e.after["received_on"])) if e.after.get("received_on") else ""
    return _("Pengaduan luring dicatat: %(channel)s", channel=_channel(e.after.get("channel"))) + received


def _rated(e: _Seen) -> str:
    comment = f" · {e.after['comment']}" if e.after.get("comment") else ""
    return _("Pengadu menilai hasil: %(rating)s dari 5", rating=e.after.get("rating", "—")) + comment


def _mail_stored(e: _Seen) -> str:
    what = _("Pengaduan lewat email dicatat") if e.event.action == "mail.filed" else _("Email masuk dilampirkan pada kasus")
    return what + f" (SHA-256 {str(e.after.get('sha256', ''))[:16]}…)"


def _notification_failed(e: _Seen) -> str:
    again = (_(", dicoba lagi %(at)s", at=e.when(e.after["next_attempt_at"])) if e.after.get("next_attempt_at")
             else _(", tidak dicoba lagi"))
    return _("Pemberitahuan surel gagal dikirim: %(kind)s", kind=_notification(e.after.get("kind"))) + again


def _note_added(e: _Seen) -> str:
    files = e.after.get("documents") or []
    attached = _(" · lampiran: %(names)s", names=", ".join(files)) if files else ""
    return _("Catatan internal: %(text)s", text=e.after.get("text") or "—") + attached


def _unknown_action(e: _Seen) -> str:
    """An action added after this module: its name in words, and what it recorded."""
    extra = e.pairs(e.after)
    return humanise(e.event.action) + (f": {e.detail}" if e.detail else "") + (f" — {extra}" if extra else "")


# The sentence of each known action. gettext runs when a sentence is made, in the
# reader's locale, never at import.
_SENTENCES: dict[str, Callable[[_Seen], str]] = {
    "case.started": lambda e: _("Kasus dibuat: %(what)s", what=e.detail or e.element),
    "task.created": _task_created,
    "task.completed": _task_completed,
    "task.claimed": lambda e: _("Diambil: %(step)s", step=e.detail),
    "task.unclaimed": lambda e: _("Dilepas: %(step)s", step=e.detail),
    "task.assigned": _task_assigned,
    "decision.evaluated": lambda e: _("Keputusan %(table)s: %(result)s, dari %(inputs)s", table=e.element,
                                      result=e.pairs(e.after) or "—", inputs=e.pairs(e.before) or "—"),
    "case.status_changed": lambda e: _("Status: %(old)s → %(new)s", old=e.status(e.before.get("status")),
                                       new=e.status(e.after.get("status"))),
    "case.closed": lambda e: _("Kasus ditutup (%(status)s)", status=e.status(e.after.get("status"))),
    "event.reached": lambda e: _("Tahap tercapai: %(what)s", what=e.detail or e.element),
    "document.added": _document_added,
    "deadline.moved": lambda e: _("Batas waktu dipindah: %(old)s → %(new)s · alasan: %(reason)s",
                                  old=e.when(e.before.get("due_at")), new=e.due(), reason=e.detail or "—"),
    "deadline.met": lambda e: _("Batas waktu terpenuhi: %(what)s (batas %(at)s)", what=e.detail, at=e.due()),
    "deadline.missed": lambda e: _("Batas waktu terlewat: %(what)s (batas %(at)s)", what=e.detail, at=e.due()),
    "deadline.reminded": lambda e: _("Pengingat batas waktu: %(what)s (batas %(at)s)", what=e.detail, at=e.due()),
    "deadline.escalated": lambda e: _("Eskalasi batas waktu: %(what)s (batas %(at)s) kepada %(lane)s",
                                      what=e.detail, at=e.due(), lane=e.event.lane or "—"),
    "task.interrupted": lambda e: _("Tugas dialihkan karena batas waktu lewat: %(what)s kepada %(lane)s",
                                    what=e.detail, lane=e.after.get("role") or "—"),
    "timer.fired": lambda e: _("Batas waktu tercapai: %(what)s (%(at)s)", what=e.element, at=e.due()),
    "message.received": lambda e: _("Pesan diterima: %(what)s", what=humanise(e.detail)),
    "case.forwarded": lambda e: _("Diteruskan: %(what)s", what=e.detail),
    "case.monitored": lambda e: _("Dipantau: %(what)s", what=e.detail),
    "complaint.confidentiality_changed": lambda e: _(
        "Kerahasiaan laporan: %(old)s → %(new)s", old=confidentiality_label(e.before.get("confidentiality", "")),
        new=confidentiality_label(e.after.get("confidentiality", ""))),
    "complaint.entered_offline": _entered_offline,
    "complainant.info_requested": lambda e: _("Kelengkapan data diminta dari pengadu: %(what)s",
                                              what=show(e.after.get("missing"), lang=e.lang, zone=e.zone)),
    "complainant.answered": lambda e: _("Pengadu mengirim kelengkapan data: %(text)s",
                                        text=e.after.get("text") or "—"),
    "complainant.rated": _rated,
    "complainant.objected": lambda e: _("Pengadu mengajukan keberatan: %(reason)s",
                                        reason=e.after.get("reason") or "—"),
    "complainant.mail_reply": lambda e: _("Pengadu membalas lewat email") + f": {e.after.get('text') or '—'}",
    "mail.filed": _mail_stored,
    "mail.threaded": _mail_stored,
    "mail.held": lambda e: _("Email masuk ditahan: pengirim bukan alamat pengadu"),
    "notification.sent": lambda e: _("Pemberitahuan surel terkirim: %(kind)s",
                                     kind=_notification(e.after.get("kind"))),
    "notification.failed": _notification_failed,
    "notification.requeued": lambda e: _("Pemberitahuan surel diantrekan ulang: %(kind)s",
                                         kind=_notification(e.after.get("kind"))),
    "task.delegated": lambda e: _("Dialihkan ke Plt. %(to)s a.n. %(absent)s: %(step)s", to=e.after.get("to") or "—",
                                  absent=e.after.get("on_behalf_of") or "—", step=e.detail),
    "task.returned": _task_returned,
    "case.note_added": _note_added,
    "engine.failed": lambda e: _("Langkah gagal: %(what)s", what=e.detail),
}


def actor_text(event: AuditEvent) -> str:
    """Who did it: "X a.n. Y" when X acted as Plt. for Y (app/services/organisation/delegations.py)."""
    absent = (event.data_after or {}).get("on_behalf_of") if event.action != "task.delegated" else None
    return _("%(actor)s a.n. %(absent)s", actor=event.actor, absent=absent) if absent else event.actor


_names_cache: dict[str, dict[str, str]] = {}


def element_names_for(version) -> dict[str, str]:
    """The diagram's names of its elements, read once per version (versions never change)."""
    names = _names_cache.get(version.content_hash)
    if names is None:
        try:
            names = {n.id: n.name for n in parse_diagram(version.bpmn_xml).nodes.values() if n.name}
        except DiagramError:
            names = {}
        names = _names_cache.setdefault(version.content_hash, names)
    return names


def describe_events(events: list[AuditEvent], *, lang: str) -> dict[int, dict[str, str]]:
    """Each event of one case as {"at": local time with zone, "text": sentence}, by id."""
    if not events:
        return {}
    case = db.session.get(Case, events[0].case_id)
    zone = calendar_for(case.organisation_code if case else None).zone
    version = case.process_version if case else None
    labels = labels_for(version)
    names = element_names_for(version) if version is not None else {}
    return {e.id: {"at": local_time(e.occurred_at, zone=zone),
                   "text": event_text(e, labels=labels, lang=lang, zone=zone, element_names=names)} for e in events}
