"""The JSON body of an error under /api/v1. Outside the api blueprint because the
app-wide handlers (app/errors.py, app/input_guard.py) answer API paths with it too."""
from flask import Response, jsonify


def error_response(status: int, message: str, *, headers: dict[str, str] | None = None, **extra: object) -> Response:
    """`{"message": ..., **extra}` with this status and these headers."""
    response = jsonify({"message": message, **extra})
    response.status_code = status
    response.headers.update(headers or {})
    return response
