from flask_login import login_required

from app.inbox import bp


@bp.get("/tugas")
@login_required
def index():
    return "belum tersedia", 501
