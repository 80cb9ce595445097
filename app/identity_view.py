"""The identity rule (app.services.organisation.identity) for templates: the signed-in viewer, or the
public when there is none (a page rendered outside a request, such as a PDF or an email,
counts as the public)."""
from flask import Flask, has_request_context
from flask_login import current_user

from app.services.organisation.identity import identity_visible, redact_identity, reporter_identity


def _viewer():
    if has_request_context() and current_user.is_authenticated:
        return current_user
    return None


def register_identity_helpers(app: Flask) -> None:
    app.jinja_env.globals["reporter_of"] = lambda complaint: reporter_identity(complaint=complaint, viewer=_viewer())
    app.jinja_env.globals["identity_shown"] = lambda complaint: identity_visible(complaint=complaint, viewer=_viewer())
    app.jinja_env.filters["hide_identity"] = lambda value, complaint: redact_identity(
        value, complaint=complaint, viewer=_viewer())
