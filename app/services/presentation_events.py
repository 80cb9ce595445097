"""Every audit event of a case as one sentence a person reads (the timeline on the case
page, the `text` of the API's events, the printed case file's trail).

The values inside come from app.services.presentation; an action this module does not
know yet still reads as words (its name humanised), never as a dotted key. Identities in
free text are the caller's to blank (app.services.identity.redact_identity).
"""
from zoneinfo import ZoneInfo

from flask_babel import gettext as _

from app.extensions import db
from app.models import AuditEvent, Case
from app.services.calendar import calendar_for
from app.services.diagram_svg import DiagramError, parse_diagram
from app.services.presentation import (
    Labels,
    confidentiality_label,
    file_size,
    humanise,
    labels_for,
    local_time,
    pairs_text,
    show,
)


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


def event_text(event: AuditEvent, *, labels: Labels, lang: str, zone: ZoneInfo,
               element_names: dict[str, str] | None = None, form_data: bool = True) -> str:
    """What happened, in the current locale's words; `form_data=False` leaves out what a
    completed task's form said (the printed file shows it in its timeline already)."""
    before, after = event.data_before or {}, event.data_after or {}
    detail = event.detail or ""
    element = (element_names or {}).get(event.element_id or "") or humanise(event.element_id or "")

    def when(value) -> str:
        return show(value, lang=lang, zone=zone) if value else "—"

    def status(value) -> str:
        return labels.value("status", value, lang=lang, zone=zone)

    action = event.action
    if action == "case.started":
        return _("Kasus dibuat: %(what)s", what=detail or element)
    if action == "task.created":
        unit = f" ({after['org_unit']})" if after.get("org_unit") else ""
        due = _(", batas waktu %(at)s", at=when(after["due_at"])) if after.get("due_at") else ""
        return _("Menunggu: %(step)s", step=detail) + unit + due
    if action == "task.completed":
        filled = pairs_text(after, labels=labels, lang=lang, zone=zone) if form_data else ""
        return _("Diselesaikan: %(step)s", step=detail) + (f" — {filled}" if filled else "")
    if action == "task.claimed":
        return _("Diambil: %(step)s", step=detail)
    if action == "task.unclaimed":
        return _("Dilepas: %(step)s", step=detail)
    if action == "task.assigned":
        who = after.get("assignee") or "—"
        if after.get("assignee_name"):
            who = f"{after['assignee_name']} ({who})"
        text = _("Ditugaskan: %(step)s kepada %(to)s oleh %(by)s", step=detail, to=who, by=event.actor)
        if before.get("claimed_by"):
            text += _(", sebelumnya dipegang %(user)s", user=before["claimed_by"])
        return text + _(" · alasan: %(reason)s", reason=after.get("reason") or "—")
    if action == "decision.evaluated":
        return _("Keputusan %(table)s: %(result)s, dari %(inputs)s", table=element,
                 result=pairs_text(after, labels=labels, lang=lang, zone=zone) or "—",
                 inputs=pairs_text(before, labels=labels, lang=lang, zone=zone) or "—")
    if action == "case.status_changed":
        return _("Status: %(old)s → %(new)s", old=status(before.get("status")), new=status(after.get("status")))
    if action == "case.closed":
        return _("Kasus ditutup (%(status)s)", status=status(after.get("status")))
    if action == "event.reached":
        return _("Tahap tercapai: %(what)s", what=detail or element)
    if action == "document.added":
        size = file_size(after["size"], lang=lang) if isinstance(after.get("size"), int) else "—"
        return _("Dokumen ditambahkan: %(name)s (%(size)s)", name=after.get("filename") or "—", size=size)
    if action == "deadline.moved":
        return _("Batas waktu dipindah: %(old)s → %(new)s · alasan: %(reason)s", old=when(before.get("due_at")),
                 new=when(after.get("due_at")), reason=detail or "—")
    if action == "deadline.met":
        return _("Batas waktu terpenuhi: %(what)s (batas %(at)s)", what=detail, at=when(after.get("due_at")))
    if action == "deadline.missed":
        return _("Batas waktu terlewat: %(what)s (batas %(at)s)", what=detail, at=when(after.get("due_at")))
    if action == "deadline.reminded":
        return _("Pengingat batas waktu: %(what)s (batas %(at)s)", what=detail, at=when(after.get("due_at")))
    if action == "deadline.escalated":
        return _("Eskalasi batas waktu: %(what)s (batas %(at)s) kepada %(lane)s", what=detail,
                 at=when(after.get("due_at")), lane=event.lane or "—")
    if action == "task.interrupted":
        return _("Tugas dialihkan karena batas waktu lewat: %(what)s kepada %(lane)s", what=detail,
                 lane=after.get("role") or "—")
    if action == "timer.fired":
        return _("Batas waktu tercapai: %(what)s (%(at)s)", what=element, at=when(after.get("due_at")))
    if action == "message.received":
        return _("Pesan diterima: %(what)s", what=humanise(detail))
    if action == "case.forwarded":
        return _("Diteruskan: %(what)s", what=detail)
    if action == "case.monitored":
        return _("Dipantau: %(what)s", what=detail)
    if action == "complaint.confidentiality_changed":
        return _("Kerahasiaan laporan: %(old)s → %(new)s", old=confidentiality_label(before.get("confidentiality", "")),
                 new=confidentiality_label(after.get("confidentiality", "")))
    if action == "complaint.entered_offline":
        received = _(", diterima %(day)s", day=when(after["received_on"])) if after.get("received_on") else ""
        return _("Pengaduan luring dicatat: %(channel)s", channel=_channel(after.get("channel"))) + received
    if action == "complainant.info_requested":
        return _("Kelengkapan data diminta dari pengadu: %(what)s", what=show(after.get("missing"), lang=lang, zone=zone))
    if action == "complainant.answered":
        return _("Pengadu mengirim kelengkapan data: %(text)s", text=after.get("text") or "—")
    if action == "complainant.rated":
        comment = f" · {after['comment']}" if after.get("comment") else ""
        return _("Pengadu menilai hasil: %(rating)s dari 5", rating=after.get("rating", "—")) + comment
    if action == "complainant.objected":
        return _("Pengadu mengajukan keberatan: %(reason)s", reason=after.get("reason") or "—")
    if action == "complainant.mail_reply":
        return _("Pengadu membalas lewat email") + f": {after.get('text') or '—'}"
    if action in ("mail.filed", "mail.threaded"):
        what = _("Pengaduan lewat email dicatat") if action == "mail.filed" else _("Email masuk dilampirkan pada kasus")
        return what + f" (SHA-256 {str(after.get('sha256', ''))[:16]}…)"
    if action == "mail.held":
        return _("Email masuk ditahan: pengirim bukan alamat pengadu")
    if action == "notification.sent":
        return _("Pemberitahuan surel terkirim: %(kind)s", kind=_notification(after.get("kind")))
    if action == "notification.failed":
        again = (_(", dicoba lagi %(at)s", at=when(after["next_attempt_at"])) if after.get("next_attempt_at")
                 else _(", tidak dicoba lagi"))
        return _("Pemberitahuan surel gagal dikirim: %(kind)s", kind=_notification(after.get("kind"))) + again
    if action == "notification.requeued":
        return _("Pemberitahuan surel diantrekan ulang: %(kind)s", kind=_notification(after.get("kind")))
    if action == "task.delegated":
        return _("Dialihkan ke Plt. %(to)s a.n. %(absent)s: %(step)s", to=after.get("to") or "—",
                 absent=after.get("on_behalf_of") or "—", step=detail)
    if action == "task.returned":
        if after.get("to"):
            return _("Dikembalikan ke %(to)s setelah Plt. berakhir: %(step)s", to=after["to"], step=detail)
        return _("Dilepas setelah Plt. berakhir: %(step)s", step=detail)
    if action == "case.note_added":
        files = after.get("documents") or []
        attached = _(" · lampiran: %(names)s", names=", ".join(files)) if files else ""
        return _("Catatan internal: %(text)s", text=after.get("text") or "—") + attached
    if action == "engine.failed":
        return _("Langkah gagal: %(what)s", what=detail)
    words = humanise(action)
    extra = pairs_text(after, labels=labels, lang=lang, zone=zone)
    return words + (f": {detail}" if detail else "") + (f" — {extra}" if extra else "")


def actor_text(event: AuditEvent) -> str:
    """Who did it: "X a.n. Y" when X acted as Plt. for Y (app/services/delegations.py)."""
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
