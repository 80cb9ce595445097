"""The seed set: real cases made through the service layer, which the replication
(replicate.py) copies to N. Each seed is filed (or, for SOP 004, started), then walked a
random number of steps with form data filled from the form's own definition, some tasks
claimed, and some waiting timers moved into the past and fired, so the seeds stop at
every kind of step: open, overdue, escalated, closed."""
import random
from datetime import datetime, timedelta, timezone

from werkzeug.security import generate_password_hash

from app.extensions import db
from app.models import Case, Complaint, TaskIndexEntry, User
from app.services.casework.case_errors import CaseError
from app.services.casework.cases import claim_task, complete_task, start_case
from app.services.casework.events import move_deadline
from app.services.casework.timers import fire_case_timers
from app.services.definitions.forms import FormValidationError, reference_types
from app.services.definitions.processes import version_forms
from app.services.definitions.references import reference_values
from app.services.intake.complaints import Upload, submit_complaint
from app.services.organisation.org_settings import settings_for

# Every replica of a seed shares its access-code hash, so this one code opens the public
# tracking of any case the builder made (the load script's tracking lookup uses it).
ACCESS_CODE = "SKALA23456"
# organisation, process; SOP 004 (setneg) takes no public complaints: it is started.
SOPS = [("bsn", "sop_000"), ("katingan", "sop_001"), ("dpmdppkb", "sop_002"), ("bps-kaltim", "sop_003"),
        ("setneg", "sop_004")]
_EVIDENCE = b"%PDF-1.4\n1 0 obj<</Type/Catalog>>endobj\ntrailer<</Root 1 0 R>>\n%%EOF\n"
_TOPICS = [
    ("Pungutan liar di loket pelayanan", "Petugas loket meminta biaya tambahan di luar tarif resmi tanpa kuitansi."),
    ("Keterlambatan penerbitan sertifikat", "Sertifikat belum terbit tiga bulan setelah audit selesai."),
    ("Pemotongan bantuan langsung tunai dana desa", "Bantuan dana desa dipotong oleh perangkat desa."),
    ("Dugaan pengaturan pemenang pengadaan", "Pemenang lelang diduga sudah ditentukan sebelum pengumuman."),
    ("Data statistik tidak sesuai kondisi lapangan", "Petugas pendataan tidak pernah datang ke rumah warga."),
    ("Pelayanan izin usaha berbelit", "Berkas izin usaha dikembalikan berulang kali tanpa alasan tertulis."),
]


def _filler(field: dict, rng: random.Random, references: dict[str, set]):
    """A valid value for one form field, picked at random where the form offers choices,
    so that seeds take different routes through the decision tables."""
    kind = field["type"]
    if kind == "boolean":  # mostly yes, so walks go on; but few reports turned anonymous or secret
        return rng.random() < (0.1 if field["name"] in ("anonim", "rahasia") else 0.75)
    if kind == "choice":  # the first option (usually the ordinary one) most often
        options = field["options"]
        return options[0]["value"] if rng.random() < 0.6 else rng.choice(options)["value"]
    if kind == "multichoice":
        return [rng.choice(field["options"])["value"]]
    if kind == "date":
        return (datetime.now(timezone.utc).date() - timedelta(days=rng.randint(1, 30))).isoformat()
    if kind == "integer":
        return rng.randint(1, 5)
    if kind in ("unit", "organisation"):
        allowed = sorted(references.get(kind) or [])
        return rng.choice(allowed) if allowed else None
    if kind == "forwarded_cases":
        allowed = sorted(references.get(kind) or [])
        return [rng.choice(allowed)] if allowed else None
    limit = field.get("max_length", 500)
    return f"Isian {field['name'].replace('_', ' ')} untuk uji skala."[:limit]


def _form_data(entry: TaskIndexEntry, rng: random.Random) -> dict:
    form = version_forms(entry.case.process_version).get(entry.form_key) if entry.form_key else None
    if form is None:
        return {}
    references = reference_values(reference_types(form), organisation_code=entry.case.organisation_code)
    values = {f["name"]: _filler(f, rng, references) for f in form["fields"]}
    return {k: v for k, v in values.items() if v is not None}


def _actor(entry: TaskIndexEntry, accounts: dict) -> str:
    org = entry.case.organisation_code
    return accounts.get((org, entry.role, entry.org_unit)) or accounts.get((org, entry.role)) or entry.role


def _accounts() -> dict:
    """(organisation, role[, unit]) -> a demo username holding that role."""
    accounts = {}
    for user in db.session.scalars(db.select(User)):
        for role in sorted(user.role_names):
            accounts.setdefault((user.organisation_code, role), user.username)
            if user.unit_code:
                accounts.setdefault((user.organisation_code, role, user.unit_code), user.username)
    return accounts


def _open(org: str, process_key: str, n: int, rng: random.Random, accounts: dict) -> Case:
    title, body = _TOPICS[n % len(_TOPICS)]
    if process_key == "sop_004":
        actor = accounts.get((org, "Perencana Program dan Penyusun Laporan"), "perencana")
        return start_case(process_key=process_key, data={}, title=f"Pemantauan pengaduan {n}", actor=actor)
    confidentiality = rng.choices(["biasa", "rahasia", "anonim"], weights=[80, 12, 8])[0]
    if confidentiality == "anonim" and not settings_for(org)["anonymous_reports"]:
        confidentiality = "rahasia"  # the owner's setting (or its SOP) refuses anonymous reports
    raw = {
        "nama_lengkap": f"Pelapor Benih {n}", "nik": "3171014506900002", "email": f"benih{n}@contoh.id",
        "no_hp": "081234567890", "pekerjaan": "Wiraswasta", "alamat": "Jl. Contoh No. 1",
        "jenis": rng.choice(["pengaduan", "pengaduan", "pengaduan", "aspirasi", "permintaan_informasi"]),
        "judul": title, "uraian": body, "lokasi_kejadian": "Kantor pelayanan", "terlapor": "Petugas loket",
        "instansi": org, "kerahasiaan": confidentiality,
    }
    case, _code = submit_complaint(raw=raw, uploads=[Upload("bukti.pdf", _EVIDENCE)],
                                   channel=rng.choice(["web", "web", "api"]))
    return case


def _walk(case_id: int, steps: int, rng: random.Random, accounts: dict) -> None:
    for _ in range(steps):
        db.session.expire_all()
        case = db.session.get(Case, case_id)
        if case.completed:
            return
        if case.tasks:
            entry = case.tasks[0]
            try:
                complete_task(task_id=entry.engine_task_id, data=_form_data(entry, rng), actor=_actor(entry, accounts))
            except (CaseError, FormValidationError):
                db.session.rollback()
                return
        elif case.timer is not None:
            # Nothing to do but wait: let the wait run out (the clock moved past it).
            if _send_reminder(case):
                continue
            element = case.timer.element_id
            move_deadline(case_id=case_id, element_id=element, due_at=datetime.now(timezone.utc) - timedelta(minutes=1),
                          reason="Uji skala: waktu tunggu lewat.", actor="bench")
            db.session.commit()
            fire_case_timers(case_id=case_id)
        else:
            return


REMINDER = "pengingat:"  # the timer index's entry for a deadline policy's reminder


def _send_reminder(case: Case) -> bool:
    """The case's next wait is a reminder (the deadline policy's, not an engine timer):
    sweep at its time, as the sweeper would, so the deadline behind it comes next."""
    if not case.timer.element_id.startswith(REMINDER):
        return False
    fire_case_timers(case_id=case.id, now=case.timer.due_at + timedelta(seconds=1))
    db.session.expire_all()
    return True


def _finish(case_id: int, rng: random.Random, accounts: dict) -> None:
    """Where the walk stopped: sometimes a head's deadline ran out, sometimes a task is taken."""
    db.session.expire_all()
    case = db.session.get(Case, case_id)
    if case.completed or not case.tasks:
        return
    if case.timer is not None and rng.random() < 0.3 and _send_reminder(case):
        db.session.expire_all()
        case = db.session.get(Case, case_id)
    if case.timer is not None and not case.timer.element_id.startswith(REMINDER) and rng.random() < 0.3:
        move_deadline(case_id=case_id, element_id=case.timer.element_id,
                      due_at=datetime.now(timezone.utc) - timedelta(minutes=1),
                      reason="Uji skala: tenggat lewat.", actor="bench")
        db.session.commit()
        fire_case_timers(case_id=case_id)
        db.session.expire_all()
        case = db.session.get(Case, case_id)
    if case.tasks and rng.random() < 0.3:
        entry = case.tasks[0]
        claim_task(task_id=entry.engine_task_id, actor=_actor(entry, accounts))


def make_seeds(*, per_sop: int, rng: random.Random) -> list[int]:
    """File and walk `per_sop` cases of each of the five SOPs; returns their ids."""
    accounts = _accounts()
    ids = []
    for org, process_key in SOPS:
        for n in range(per_sop):
            case = _open(org, process_key, n, rng, accounts)
            # Walks of every length: from just filed to the end of the process.
            _walk(case.id, rng.choice([0, 1, 1, 2, 2, 3, 4, 5, 6, 8, 12, 20, 30, 30]), rng, accounts)
            _finish(case.id, rng, accounts)
            ids.append(case.id)
        print(f"    {process_key} ({org}): {per_sop} seeds", flush=True)
    # One known code for every complaint (see ACCESS_CODE), also those the walks forwarded
    # to another organisation: the hash stored is what filing stores, of this code.
    db.session.execute(db.update(Complaint).values(access_code_hash=generate_password_hash(ACCESS_CODE)))
    db.session.commit()
    return ids
