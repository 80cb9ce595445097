"""What a complainant may see of their own case: its status in plain words and a timeline.

Both are read from the audit trail, keeping only what describes the case as a whole
(received, status changed, closed) and the documents the complainant added themselves.
Whatever staff did shows only as the status it led to: no names or usernames, no task
form data, no decision inputs, no lanes, nothing about other parties. The web tracking
page and the API both build on these functions, so they cannot disagree.
"""
from app.extensions import db
from app.models import AuditEvent, Case
from app.services.complaints import COMPLAINANT_ACTOR

# The status codes set by the SOP diagrams (camunda:property "status"), Indonesian and
# English. A code missing here is shown as UNKNOWN_STATUS rather than as the raw code,
# so a new SOP can never leak an internal name onto the public page.
STATUS_LABELS = {
    "diterima": ("Diterima", "Received"),
    "verifikasi": ("Verifikasi kelengkapan", "Checking completeness"),
    "penelaahan": ("Penelaahan", "Under review"),
    "tindak_lanjut": ("Tindak lanjut", "Being followed up"),
    "penyampaian_hasil": ("Penyampaian hasil", "Reporting the outcome"),
    "penyaluran": ("Penyaluran ke instansi berwenang", "Being passed to the competent agency"),
    "selesai": ("Selesai", "Completed"),
    "tidak_lengkap": ("Tidak lengkap", "Incomplete"),
    "tidak_ditindaklanjuti": ("Tidak ditindaklanjuti", "Not followed up"),
    "diteruskan_instansi_lain": ("Diteruskan ke instansi lain", "Forwarded to another agency"),
    "disposisi": ("Disposisi ke unit kerja", "Being assigned to a unit"),
    "dikembalikan_ke_admin_nasional": ("Dikembalikan ke Admin Nasional", "Returned to the national administrator"),
    "menunggu_kelengkapan": ("Menunggu kelengkapan data dari Anda", "Waiting for your missing data"),
    "diarsipkan": ("Diarsipkan", "Archived"),
    "diteruskan_admin_nasional": ("Diteruskan ke Admin Nasional SP4N-LAPOR!", "Forwarded to the SP4N-LAPOR! national administrator"),
    "diteruskan_apip": ("Diteruskan ke APIP", "Forwarded to the government internal auditors (APIP)"),
    # SOP 004's monitoring is internal; these labels only appear on staff pages.
    "perencanaan": ("Perencanaan pemantauan", "Planning the monitoring"),
    "pembahasan": ("Pembahasan rencana", "Discussing the plan"),
    "persetujuan": ("Menunggu persetujuan", "Awaiting approval"),
    "persiapan": ("Persiapan pemantauan", "Preparing the monitoring"),
    "koordinasi": ("Koordinasi dengan instansi", "Coordinating with the agencies"),
    "pelaksanaan": ("Pelaksanaan pemantauan", "Monitoring under way"),
    "pelaporan": ("Penyusunan laporan", "Writing the report"),
    "penyampaian_laporan": ("Penyampaian laporan", "Submitting the report"),
}
STATUS_DESCRIPTIONS = {
    "diterima": ("Pengaduan Anda sudah tercatat dan menunggu diperiksa petugas.",
                 "Your complaint has been recorded and is waiting for an officer."),
    "verifikasi": ("Petugas sedang memeriksa apakah laporan Anda cukup lengkap untuk diproses.",
                   "An officer is checking whether your report is complete enough to be processed."),
    "penelaahan": ("Laporan Anda lengkap dan sedang ditelaah: inti masalah, dokumen dan peraturan terkait.",
                   "Your report is complete and is being reviewed: the core issue, documents and regulations."),
    "tindak_lanjut": ("Pengaduan Anda sedang ditindaklanjuti oleh unit yang berwenang.",
                      "Your complaint is being followed up by the responsible unit."),
    "penyampaian_hasil": ("Tindak lanjut sudah selesai; hasilnya sedang disiapkan untuk Anda.",
                          "The follow-up is finished; its outcome is being prepared for you."),
    "penyaluran": ("Pengaduan Anda bukan kewenangan instansi ini dan sedang dikirim ke instansi yang berwenang.",
                   "Your complaint is outside this agency's authority and is being sent to the competent agency."),
    "selesai": ("Penanganan pengaduan Anda sudah selesai dan hasilnya telah disampaikan.",
                "Your complaint has been handled and the outcome has been delivered."),
    "tidak_lengkap": ("Laporan Anda tidak cukup lengkap sehingga tidak dapat diproses. Anda dapat mengirim pengaduan baru yang lebih lengkap.",
                      "Your report was not complete enough to be processed. You may file a new, more complete complaint."),
    "tidak_ditindaklanjuti": ("Setelah ditelaah, pengaduan Anda tidak dapat ditindaklanjuti.",
                              "After review, your complaint cannot be followed up."),
    "diteruskan_instansi_lain": ("Pengaduan Anda telah diteruskan ke instansi lain yang berwenang untuk ditindaklanjuti di sana.",
                                 "Your complaint has been forwarded to the competent agency, which will follow it up."),
    "disposisi": ("Pengaduan Anda sedang diteruskan ke unit kerja yang menangani jenis pengaduan ini.",
                  "Your complaint is being passed to the unit that handles this kind of complaint."),
    "dikembalikan_ke_admin_nasional": ("Pengaduan Anda bukan kewenangan instansi ini; Admin Nasional sedang meneruskannya ke instansi yang berwenang.",
                                       "Your complaint is outside this agency's authority; the national administrator is passing it to the competent agency."),
    "menunggu_kelengkapan": ("Petugas meminta kelengkapan data. Jawab melalui halaman ini; tanpa jawaban dalam 10 hari kerja pengaduan diarsipkan.",
                             "An officer has asked for missing data. Answer through this page; without an answer in 10 working days the complaint is archived."),
    "diarsipkan": ("Pengaduan Anda diarsipkan karena kelengkapan data tidak diterima dalam 10 hari kerja.",
                   "Your complaint was archived because the missing data did not arrive within 10 working days."),
    "diteruskan_admin_nasional": ("Pengaduan Anda bukan kewenangan instansi ini dan telah diteruskan ke Admin Nasional SP4N-LAPOR!.",
                                  "Your complaint is outside this agency's authority and was forwarded to the SP4N-LAPOR! national administrator."),
    "diteruskan_apip": ("Pengaduan Anda menyangkut dugaan pelanggaran oleh aparatur dan telah diteruskan ke APIP untuk ditindaklanjuti.",
                        "Your complaint concerns possible misconduct by officials and was forwarded to the internal auditors (APIP)."),
}
UNKNOWN_STATUS = ("Sedang diproses", "In progress")
UNKNOWN_DESCRIPTION = ("Pengaduan Anda sedang diproses.", "Your complaint is being processed.")

_EVENT_LABELS = {
    "received": ("Pengaduan diterima", "Complaint received"),
    "attachments_received": ("Lampiran diterima: {n} berkas", "Attachments received: {n} file(s)"),
    "closed": ("Penanganan ditutup", "Case closed"),
}
_PUBLIC_ACTIONS = ("case.started", "case.status_changed", "case.closed", "document.added")


def _pick(pair: tuple[str, str], lang: str) -> str:
    return pair[1] if lang == "en" else pair[0]


def status_label(status: str, *, lang: str) -> str:
    return _pick(STATUS_LABELS.get(status, UNKNOWN_STATUS), lang)


def status_description(status: str, *, lang: str) -> str:
    return _pick(STATUS_DESCRIPTIONS.get(status, UNKNOWN_DESCRIPTION), lang)


def public_status(*, case: Case, lang: str) -> dict:
    return {
        "tracking_number": case.tracking_number,
        "status": case.status,
        "status_label": status_label(case.status, lang=lang),
        "closed": case.completed,
    }


def public_timeline(*, case: Case, lang: str) -> list[dict]:
    """The case's public history, oldest first: dicts of `at` (ISO 8601, UTC), `event`
    ("received", "attachments_received", "status:<status code>" or "closed") and
    `label`. Attachments added together make one entry, so a complaint filed with three
    files reads as one step, not three."""
    events = db.session.scalars(
        db.select(AuditEvent)
        .where(AuditEvent.case_id == case.id, AuditEvent.action.in_(_PUBLIC_ACTIONS))
        .order_by(AuditEvent.id)
    )
    timeline: list[dict] = []
    attachments = 0
    for event in events:
        if event.action == "document.added":
            if event.actor != COMPLAINANT_ACTOR:
                continue  # staff documents are internal working papers
            if attachments:
                timeline.pop()  # the entry for the files just before this one
            attachments += 1
            timeline.append(_entry(event, "attachments_received",
                                   _pick(_EVENT_LABELS["attachments_received"], lang).format(n=attachments)))
            continue
        attachments = 0
        if event.action == "case.started":
            timeline.append(_entry(event, "received", _pick(_EVENT_LABELS["received"], lang)))
        elif event.action == "case.status_changed":
            status = (event.data_after or {}).get("status", "")
            timeline.append(_entry(event, f"status:{status}", status_label(status, lang=lang)))
        elif event.action == "case.closed":
            timeline.append(_entry(event, "closed", _pick(_EVENT_LABELS["closed"], lang)))
    return timeline


def _entry(event: AuditEvent, code: str, label: str) -> dict:
    return {"at": event.occurred_at.isoformat(), "event": code, "label": label}
