"""Schemathesis over /api/v1/openapi.json: requests generated from the document, valid
ones and deliberately invalid ones, are sent to the real application (WSGI, real
database, both backends), each once without a token and once with a staff token. No
answer may be a server error, and every answer must be one the document describes
(status code, content type, body schema).

EXAMPLES bounds the examples per operation and mode, to keep CI time small. Failures are
collected, not shrunk, so one run names every operation that misbehaves."""
import time

import pytest
import schemathesis
from hypothesis import HealthCheck, Phase, given, settings
from schemathesis.checks import not_a_server_error
from schemathesis.generation.modes import GenerationMode
from schemathesis.specs.openapi.checks import (
    content_type_conformance,
    response_schema_conformance,
    status_code_conformance,
)

from app.services.administration.demo import DEMO_PASSWORD, ORGANISATION, seed_reference_data
from app.services.definitions.processes import deploy_directory
from app.services.organisation.accounts import create_user
from tests.helpers.complaints import file_complaint
from tests.helpers.settings import ROOT

EXAMPLES = 25


# The document names the file types `lampiran` accepts as its multipart part's content
# type; schemathesis (4.32 and later) refuses to generate a body for a media type it has
# no serializer for. A file part is its bytes as they are.
@schemathesis.serializer("application/pdf", "image/jpeg", "image/png")
def _file_part(ctx: schemathesis.SerializationContext, value: object) -> bytes:
    return value if isinstance(value, bytes) else str(value).encode()


CHECKS = [not_a_server_error, status_code_conformance, content_type_conformance, response_schema_conformance]


@pytest.fixture
def seeded(app):
    """The SOPs, one staff account and one case. Seeded in its own app context, then
    left: every generated request gets its own context and database session, as in
    production, so that one refused request cannot leave a broken session to the next."""
    with app.app_context():
        seed_reference_data()
        deploy_directory(ROOT, deployed_by="test")
        create_user(username="admin", password=DEMO_PASSWORD, roles=["Admin Inspektorat"],
                    organisation_code=ORGANISATION)
        file_complaint()
    token = app.test_client().post("/api/v1/auth/token", json={"username": "admin", "password": DEMO_PASSWORD})
    return {"Authorization": f"Bearer {token.json['token']}"}


def test_no_generated_request_gets_a_server_error_or_an_undocumented_answer(app, seeded):
    app.config["PROPAGATE_EXCEPTIONS"] = False  # a crash answers 500, as in production
    # Thousands of requests from one address: the rate limits would answer most of them.
    app.config["DUMAS_RATE_LIMITS"] = ",".join(f"{scope}=1000000/60" for scope in ("complaint", "track", "public"))
    schema = schemathesis.openapi.from_wsgi("/api/v1/openapi.json", app)
    failures: dict[str, str] = {}
    sent = server_errors = 0
    started = time.monotonic()
    for result in schema.get_all_operations():
        operation = result.ok()
        for mode in (GenerationMode.POSITIVE, GenerationMode.NEGATIVE):

            @given(case=operation.as_strategy(generation_mode=mode))
            @settings(max_examples=EXAMPLES, deadline=None, database=None, derandomize=True,
                      phases=[Phase.explicit, Phase.generate], suppress_health_check=list(HealthCheck))
            def send(case):
                nonlocal sent
                nonlocal server_errors
                for headers in ({}, seeded):
                    sent += 1
                    try:
                        response = case.call(headers=headers)
                        server_errors += response.status_code >= 500
                        case.validate_response(response, checks=CHECKS, headers=headers)
                    except (Exception, BaseExceptionGroup) as exc:  # failed checks, or a crash re-raised
                        server_errors += not isinstance(exc, BaseExceptionGroup)
                        # send() runs within this iteration, so the loop's operation and mode are its own.
                        failures.setdefault(f"{operation.label} ({mode.value}, token={bool(headers)})",  # noqa: B023
                                            f"{case.as_curl_command()}\n{type(exc).__name__}: {exc}"[:600])

            send()
    print(f"\nschemathesis: {sent} requests, {server_errors} server errors, {len(failures)} failing "
          f"(operation, mode, token) combinations, "
          f"{time.monotonic() - started:.1f} s")
    assert not failures, "\n\n".join(f"{label}:\n{detail}" for label, detail in failures.items())
