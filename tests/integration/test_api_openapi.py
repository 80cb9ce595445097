"""The OpenAPI document against the routes the application really has, and the API's
JSON errors for URLs, methods and failures no route handles itself."""
import json
import re

from tests.helpers.api import API, bearer

EXPECTED = {
    ("/openapi.json", "get"),
    ("/auth/token", "post"),
    ("/complaints", "post"),
    ("/complaints/{tracking_number}", "get"),
    ("/complaints/{tracking_number}/missing-data", "post"),
    ("/complaints/{tracking_number}/rating", "post"),
    ("/complaints/{tracking_number}/objection", "post"),
    ("/tasks", "get"),
    ("/tasks/assign", "post"),
    ("/tasks/{task_id}", "get"),
    ("/tasks/{task_id}/claim", "post"),
    ("/tasks/{task_id}/unclaim", "post"),
    ("/tasks/{task_id}/complete", "post"),
    ("/cases", "get"),
    ("/cases/{case_id}", "get"),
    ("/cases/{case_id}/events", "get"),
    ("/cases/{case_id}/pdf", "get"),
    ("/cases/{case_id}/notes", "post"),
}
PUBLIC = {("/openapi.json", "get"), ("/auth/token", "post"), ("/complaints", "post"),
          ("/complaints/{tracking_number}", "get"), ("/complaints/{tracking_number}/missing-data", "post"),
          ("/complaints/{tracking_number}/rating", "post"), ("/complaints/{tracking_number}/objection", "post")}


def _document(client) -> dict:
    response = client.get(f"{API}/openapi.json")
    assert response.status_code == 200 and response.mimetype == "application/json"
    return json.loads(response.get_data(as_text=True))


def _api_routes(app) -> set[tuple[str, str]]:
    """(OpenAPI-style path, method) of every /api/v1 rule in the URL map."""
    routes = set()
    for rule in app.url_map.iter_rules():
        if rule.endpoint.startswith("api."):
            path = re.sub(r"<(?:[^:>]+:)?([^>]+)>", r"{\1}", rule.rule)[len(API):]
            routes |= {(path, method.lower()) for method in rule.methods - {"HEAD", "OPTIONS"}}
    return routes


def _refs(node):
    if isinstance(node, dict):
        for key, value in node.items():
            if key == "$ref":
                yield value
            else:
                yield from _refs(value)
    elif isinstance(node, list):
        for item in node:
            yield from _refs(item)


def test_the_document_describes_exactly_the_routes_the_app_has(app, client):
    document = _document(client)
    assert document["openapi"] == "3.1.0" and document["servers"] == [{"url": API}]
    documented = {(path, method) for path, item in document["paths"].items() for method in item}
    assert documented == EXPECTED
    assert _api_routes(app) == EXPECTED


def test_every_operation_declares_its_security_parameters_and_responses(client):
    document = _document(client)
    assert document["components"]["securitySchemes"]["bearerAuth"] == {
        "type": "http", "scheme": "bearer", "description": "A token from POST /auth/token."}
    for path, item in document["paths"].items():
        for method, operation in item.items():
            where = f"{method.upper()} {path}"
            expected_security = [] if (path, method) in PUBLIC else [{"bearerAuth": []}]
            assert operation["security"] == expected_security, where
            declared = {p["name"] for p in operation.get("parameters", []) if p["in"] == "path"}
            assert declared == set(re.findall(r"{(\w+)}", path)), where
            assert any(code.startswith("2") for code in operation["responses"]), where
            if expected_security:
                assert "401" in operation["responses"], where
            if method == "post" and path not in ("/tasks/{task_id}/claim", "/tasks/{task_id}/unclaim"):
                assert operation["requestBody"]["content"], where


def test_every_reference_resolves(client):
    document = _document(client)
    schemas = document["components"]["schemas"]
    refs = set(_refs(document))
    assert refs, "the document uses no shared schemas at all"
    for ref in refs:
        assert ref.startswith("#/components/schemas/") and ref.rsplit("/", 1)[1] in schemas, ref
    complete = document["paths"]["/tasks/{task_id}/complete"]["post"]["responses"]
    assert {"200", "400", "401", "404", "409", "422"} <= set(complete)
    assert "multipart/form-data" in document["paths"]["/complaints"]["post"]["requestBody"]["content"]


def test_unknown_paths_and_methods_under_the_api_answer_json(client):
    response = client.get(f"{API}/tidak-ada")
    assert (response.status_code, response.json) == (404, {"message": "Alamat tidak ditemukan."})
    response = client.delete(f"{API}/tasks")
    assert response.status_code == 405
    assert response.json == {"message": "Metode ini tidak diizinkan untuk alamat ini."}
    assert "GET" in response.headers["Allow"]
    response = client.get(f"{API}/cases/bukan-angka")
    assert response.status_code == 404 and response.is_json
    # Outside /api/v1 the application's own (HTML) handling stays.
    outside = client.get("/tidak-ada")
    assert outside.status_code == 404 and not outside.is_json


def test_an_unexpected_error_is_a_json_500_without_details(app, client, staff, monkeypatch):
    from app.services.casefile import api_views

    def broken(*args, **kwargs):
        raise RuntimeError("rahasia internal")

    monkeypatch.setattr(api_views, "task_items", broken)
    app.config["PROPAGATE_EXCEPTIONS"] = False  # as in production: the handler answers
    response = client.get(f"{API}/tasks", headers=bearer(client, "admin"))
    assert response.status_code == 500
    assert response.json == {"message": "Terjadi kesalahan pada server."}
