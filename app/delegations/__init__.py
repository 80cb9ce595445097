"""Plt. (pelaksana tugas) pages: record who acts for an absent colleague, and end it."""
from flask import Blueprint

bp = Blueprint("delegations", __name__)

from app.delegations import cli, routes  # noqa: E402,F401  (they attach themselves to bp)
