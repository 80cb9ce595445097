"""The complainant's side of the API: filing a complaint (JSON or multipart with files)
and following it with the tracking number and access code."""
import hashlib
import io
import json

from tests.helpers.api import API, bearer, in_english
from tests.helpers.complaints import COMPLAINANT, PDF


def _file(client, **kwargs):
    return client.post(f"{API}/complaints", **kwargs)


def test_a_json_complaint_is_accepted_and_can_be_followed(client, staff):
    response = _file(client, json=COMPLAINANT)
    assert response.status_code == 201
    body = response.json
    assert body["tracking_number"].startswith("DUMAS-") and len(body["access_code"]) == 10
    assert body["status"] == "verifikasi"
    assert response.headers["Location"] == f"{API}/complaints/{body['tracking_number']}"
    assert response.headers["Cache-Control"] == "no-store"

    by_header = client.get(f"{API}/complaints/{body['tracking_number']}", headers={"X-Access-Code": body["access_code"]})
    assert by_header.status_code == 200
    by_query = client.get(f"{API}/complaints/{body['tracking_number']}?access_code={body['access_code'].lower()}")
    assert by_query.status_code == 200 and by_query.json == by_header.json
    status = by_header.json
    assert set(status) == {"tracking_number", "status", "status_label", "closed", "timeline", "status_description",
                           "current_step", "reports", "missing_data_request", "rating", "can_rate", "objection"}
    assert (status["tracking_number"], status["status"], status["closed"]) == (
        body["tracking_number"], "verifikasi", False)
    assert [entry["event"] for entry in status["timeline"]] == ["received", "status:verifikasi"]


def test_the_public_status_shows_nothing_internal(client, staff):
    filed = _file(client, json=COMPLAINANT).json
    admin = bearer(client, "admin")
    [task] = client.get(f"{API}/tasks", headers=admin).json["items"]
    client.post(f"{API}/tasks/{task['id']}/complete", headers=admin,
                json={"data": {"lengkap": True, "lokasi_kasus": "Kantor Serpong"}})

    response = client.get(f"{API}/complaints/{filed['tracking_number']}", headers={"X-Access-Code": filed["access_code"]})
    assert response.status_code == 200 and response.json["status"] == "penelaahan"
    text = json.dumps(response.json)
    for internal in ("admin", "Admin Inspektorat", "tugas_verifikasi", "Kantor Serpong", "lokasi_kasus",
                     COMPLAINANT["nama_lengkap"], COMPLAINANT["nik"], COMPLAINANT["email"], "pengadu"):
        assert internal not in text, internal


def test_a_multipart_complaint_keeps_its_pdf(client, staff):
    response = _file(client, data={**COMPLAINANT, "lampiran": (io.BytesIO(PDF), "bukti surat.pdf")},
                     content_type="multipart/form-data")
    assert response.status_code == 201, response.json
    tracking = response.json["tracking_number"]

    admin = bearer(client, "admin")
    [task] = client.get(f"{API}/tasks", headers=admin).json["items"]
    assert task["tracking_number"] == tracking
    case = client.get(f"{API}/cases/{task['case_id']}", headers=admin).json
    assert case["documents"] == [{
        "id": case["documents"][0]["id"],
        "kind": "bukti",
        "filename": "bukti_surat.pdf",
        "content_type": "application/pdf",
        "size": len(PDF),
        "sha256": hashlib.sha256(PDF).hexdigest(),
        "created_at": case["documents"][0]["created_at"],
    }]
    timeline = client.get(f"{API}/complaints/{tracking}", headers={"X-Access-Code": response.json["access_code"]})
    assert "attachments_received" in [entry["event"] for entry in timeline.json["timeline"]]


def test_invalid_complaints_are_422_with_each_field_named(client, staff):
    response = _file(client, json={**COMPLAINANT, "nik": "12345", "email": "bukan-email", "judul": ""})
    assert response.status_code == 422
    assert response.json["errors"] == {
        "nik": "NIK harus 16 digit angka.",
        "email": "Alamat email tidak valid.",
        "judul": "Wajib diisi.",
    }
    assert response.json["message"]

    response = _file(client, data={**COMPLAINANT, "lampiran": (io.BytesIO(b"MZ\x90\x00 not a pdf"), "bukti.pdf")},
                     content_type="multipart/form-data")
    assert response.status_code == 422
    assert response.json["errors"] == {"lampiran": "bukti.pdf: hanya PDF, JPG atau PNG yang diterima."}

    six = [(io.BytesIO(PDF), f"bukti{i}.pdf") for i in range(6)]
    response = _file(client, data={**COMPLAINANT, "lampiran": six}, content_type="multipart/form-data")
    assert response.status_code == 422 and response.json["errors"] == {"lampiran": "Maksimal 5 berkas."}

    response = in_english(_file, client, headers={}, json={**COMPLAINANT, "jenis": "gosip"})
    assert response.status_code == 422 and response.json["errors"] == {"jenis": "Choose the type of report."}

    response = _file(client, data="nama_lengkap=Budi", content_type="text/plain")
    assert response.status_code == 400
    assert client.get(f"{API}/tasks", headers=bearer(client, "admin")).json["total"] == 0  # nothing was filed


def test_a_wrong_code_or_number_gets_one_generic_404(client, staff):
    filed = _file(client, json=COMPLAINANT).json
    tracking, code = filed["tracking_number"], filed["access_code"]
    wrong_code = "2" * 10 if code != "2" * 10 else "3" * 10
    attempts = [
        client.get(f"{API}/complaints/{tracking}", headers={"X-Access-Code": wrong_code}),
        client.get(f"{API}/complaints/{tracking}"),
        client.get(f"{API}/complaints/DUMAS-1999-999999", headers={"X-Access-Code": code}),
        client.get(f"{API}/complaints/{tracking}?access_code={wrong_code}"),
    ]
    for response in attempts:
        assert response.status_code == 404
        assert response.json == {"message": "Nomor pelacakan atau kode akses tidak cocok."}


def test_the_timeline_speaks_english_on_request(client, staff):
    filed = _file(client, json=COMPLAINANT).json
    response = in_english(client.get, f"{API}/complaints/{filed['tracking_number']}",
                          headers={"X-Access-Code": filed["access_code"]})
    assert response.json["status_label"] == "Checking completeness"
    assert response.json["timeline"][0]["label"] == "Complaint received"
