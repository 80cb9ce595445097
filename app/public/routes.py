from flask import render_template

from app.public import bp
from app.services.processes import deployed_processes


@bp.get("/")
def index():
    return render_template("public/index.html", processes=deployed_processes())


@bp.get("/health")
def health():
    return {"status": "ok"}


@bp.route("/lapor", methods=["GET", "POST"])
def complaint_form():
    return "belum tersedia", 501


@bp.route("/lacak", methods=["GET", "POST"])
def track():
    return "belum tersedia", 501
