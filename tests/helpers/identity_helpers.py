"""Shared by the identity tests: a complainant whose every identity value is unmistakable,
and every place a viewer can read a case, gathered as text to search."""
import io
import json
import re
import zlib

from pypdf import PdfReader

from app.extensions import db
from app.models import AuditEvent, Case, Complaint, TaskIndexEntry
from tests.helpers.complaints import PDF

PASSWORD = "dumas-demo"
API = "/api/v1"
IDENTITY = {
    "nama_lengkap": "Wulandari Kusumaningtyas",
    "nik": "3273016405900002",
    "email": "wulandari.kusuma@contoh.id",
    "no_hp": "+6281377778888",
    "pekerjaan": "Perawat Puskesmas",
    "alamat": "Jl. Melati Tersembunyi 12, Sleman",
}
REPORT = {
    "jenis": "pengaduan",
    "judul": "Biaya tambahan di loket",
    "uraian": "Petugas meminta biaya tambahan tanpa kuitansi.",
    "lokasi_kejadian": "Sleman",
    "terlapor": "Petugas loket",
}
# The values a leak would show: the phone also as typed in the local form.
SECRETS = [*IDENTITY.values(), "081377778888"]


def leaks(text: str) -> list[str]:
    return [secret for secret in SECRETS if secret.lower() in text.lower()]


def file_by_api(client, *, kerahasiaan: str, instansi: str = "bsn", **overrides) -> tuple[Case, str]:
    response = client.post(f"{API}/complaints", data={
        **IDENTITY, **REPORT, "kerahasiaan": kerahasiaan, "instansi": instansi, **overrides,
        "lampiran": [(io.BytesIO(PDF), "bukti.pdf")]})
    assert response.status_code == 201, response.json
    case = db.session.scalars(db.select(Case).where(Case.tracking_number == response.json["tracking_number"])).one()
    return case, response.json["access_code"]


def bearer(client, username: str) -> dict:
    response = client.post(f"{API}/auth/token", json={"username": username, "password": PASSWORD})
    assert response.status_code == 200, response.json
    return {"Authorization": f"Bearer {response.json['token']}"}


def staff_views(client, auth, username: str, case: Case) -> dict[str, str]:
    """Every page and API response a staff member can open about the case: the case
    page, the inbox and each ready task page of theirs, the API's case, events, task list
    and task details. Each must answer 200 (the viewer may see the case)."""
    db.session.expire_all()
    auth.login(username)
    seen = {}
    for url in (f"/kasus/{case.id}", "/tugas"):
        response = client.get(url)
        assert response.status_code == 200, (url, response.status_code)
        seen[url] = response.get_data(as_text=True)
    for task_id in re.findall(r'href="/tugas/([0-9a-f-]{36})"', seen["/tugas"]):
        seen[f"/tugas/{task_id}"] = client.get(f"/tugas/{task_id}").get_data(as_text=True)
    auth.logout()
    headers = bearer(client, username)
    for url in (f"{API}/cases/{case.id}", f"{API}/cases/{case.id}/events", f"{API}/tasks"):
        response = client.get(url, headers=headers)
        assert response.status_code == 200, (url, response.status_code)
        seen[url] = response.get_data(as_text=True)
    for entry in db.session.scalars(db.select(TaskIndexEntry).where(TaskIndexEntry.case_id == case.id)):
        response = client.get(f"{API}/tasks/{entry.engine_task_id}", headers=headers)
        if response.status_code == 200:
            seen[f"{API}/tasks/{entry.engine_task_id}"] = response.get_data(as_text=True)
    # The printed case file, as its text reads (pypdf), through the API as staff print it.
    response = client.get(f"{API}/cases/{case.id}/pdf", headers=headers)
    assert response.status_code == 200, ("pdf", response.status_code)
    seen[f"{API}/cases/{case.id}/pdf"] = " ".join(
        page.extract_text() for page in PdfReader(io.BytesIO(response.data)).pages).replace("\n", " ")
    return seen


def public_views(client, case: Case, access_code: str) -> dict[str, str]:
    """What anyone can open: the home page, the tracking page and the tracking API."""
    views = {"/": client.get("/").get_data(as_text=True)}
    response = client.post("/lacak", data={"tracking_number": case.tracking_number, "access_code": access_code})
    assert response.status_code == 200
    views["/lacak"] = response.get_data(as_text=True)
    response = client.get(f"{API}/complaints/{case.tracking_number}", headers={"X-Access-Code": access_code})
    assert response.status_code == 200
    views["api status"] = response.get_data(as_text=True)
    return views


def stored_outside_complaints(case: Case) -> str:
    """The workflow variables and every audit event of the case, as text: where the
    identity must never travel (it stays in the complaints table)."""
    db.session.expire_all()
    case = db.session.get(Case, case.id)
    events = db.session.scalars(db.select(AuditEvent).where(AuditEvent.case_id == case.id)).all()
    return zlib.decompress(case.workflow_state).decode() + json.dumps(
        [[e.action, e.detail, e.data_before, e.data_after] for e in events], ensure_ascii=False)


def complaint_of(case: Case) -> Complaint:
    db.session.expire_all()
    return db.session.scalars(db.select(Complaint).where(Complaint.case_id == case.id)).one()
