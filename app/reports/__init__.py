from flask import Blueprint

# cli_group: `flask --app app reports generate ...` (app/reports/cli.py).
bp = Blueprint("reports", __name__, cli_group="reports")

from app.reports import cli, routes  # noqa: E402,F401  (commands and routes attach themselves to bp)
