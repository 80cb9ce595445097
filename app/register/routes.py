"""The register page and its export. Thin: the services parse, query and label."""
from datetime import datetime, timezone

from flask import Response, abort, render_template, request, url_for
from flask_login import current_user, login_required

from app.downloads import content_disposition
from app.i18n import current_language
from app.register import bp
from app.services.reporting.register import RegisterInputError, parse_query, register_page
from app.services.reporting.register_export import FORMATS, export_file
from app.services.reporting.register_rows import filter_choices, register_rows

_MIMETYPES = {"csv": "text/csv; charset=utf-8",
              "xlsx": "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"}


def _filters_without(*names: str) -> dict[str, str]:
    return {k: v for k, v in request.args.items() if k not in names and v}


@bp.get("/kasus")
@login_required
def index():
    lang = current_language()
    choices = filter_choices(user=current_user, lang=lang)
    try:
        query = parse_query(request.args)
    except RegisterInputError as exc:
        return render_template("register/index.html", rows=[], page=None, error=exc.message, field=exc.field,
                               choices=choices, args=request.args), 400
    page = register_page(query, user=current_user)
    rows = register_rows(page.case_ids, viewer=current_user, lang=lang)
    next_url = (url_for("register.index", **_filters_without("cursor"), cursor=page.next_cursor)
                if page.next_cursor else None)
    return render_template("register/index.html", rows=rows, page=page, error=None, field=None, choices=choices,
                           args=request.args, next_url=next_url,
                           first_url=url_for("register.index", **_filters_without("cursor")) if query.cursor else None,
                           export_args=_filters_without("cursor", "limit"))


@bp.get("/kasus/ekspor.<fmt>")
@login_required
def export(fmt: str):
    if fmt not in FORMATS:
        abort(404)
    try:
        query = parse_query(request.args)
    except RegisterInputError as exc:
        return Response(str(exc.message), status=400, mimetype="text/plain")
    content = export_file(query, user=current_user, lang=current_language(), fmt=fmt)
    stamp = datetime.now(timezone.utc).strftime("%Y%m%d-%H%M")
    return Response(content, mimetype=_MIMETYPES[fmt], headers={
        "Content-Disposition": content_disposition(f"register-kasus-{stamp}.{fmt}"),
        "Cache-Control": "private, no-store"})
