from datetime import date

from flask import make_response, redirect, render_template, request, session, url_for
from flask_babel import gettext as _
from flask_wtf.csrf import CSRFError
from wtforms.fields.choices import SelectChoice

from app.complaint_form import ComplaintForm
from app.i18n import current_language
from app.limits import near_limits, public_endpoint
from app.models import Organisation
from app.public import bp
from app.public.forms import TrackForm
from app.public.tracking import remember_tracked, render_tracking
from app.services.casework.case_errors import ProcessNotDeployed
from app.services.definitions.processes import deployed_processes
from app.services.intake.abuse import RateLimited, Refused
from app.services.intake.complaints import (
    MAX_FILE_BYTES,
    MAX_FILES,
    ComplaintInvalid,
    find_complaint,
    read_uploads,
    submit_complaint,
)
from app.services.organisation.organisations import complaint_intakes

# The session key of the receipt (tracking number and access code) between the POST
# that filed a complaint and the one GET that shows it.
_RECEIPT = "complaint_receipt"


@bp.get("/")
def index():
    return render_template("public/index.html", processes=deployed_processes())


@bp.get("/health")
def health():
    return {"status": "ok"}


def _refused_complaint(refusal: Refused):
    """A refused filing (too many, too fast, spam-like, a misnamed file) shows the form
    again with everything typed, the reason and what to do; files must be chosen again."""
    form = _complaint_form()
    form.form_errors.append(_("Laporan Anda belum terkirim."))
    form.form_errors.append(refusal.message(current_language()))
    if isinstance(refusal, RateLimited):
        form.form_errors.append(_("Isian Anda tetap ada di formulir ini. Biarkan halaman ini terbuka dan kirim lagi "
                                  "setelah waktu tersebut, atau salin uraian Anda untuk dikirim nanti."))
    return _complaint_page(form), refusal.status


def _complaint_form(intakes: list[Organisation] | None = None) -> ComplaintForm:
    form = ComplaintForm()
    form.instansi.choices = [SelectChoice(o.code, o.name) for o in (complaint_intakes() if intakes is None else intakes)]
    return form


@bp.route("/lapor", methods=["GET", "POST"])
@public_endpoint("complaint", form=True, uploads=True, reshow=_refused_complaint)
def complaint_form():
    intakes = complaint_intakes()  # the form's choices and the filing's check, read once
    form = _complaint_form(intakes)
    if form.validate_on_submit():
        try:
            case, access_code = submit_complaint(
                raw=form.complaint_data(), uploads=read_uploads(form.chosen_files()), lang=current_language(),
                intakes=intakes,
            )
        except ComplaintInvalid as exc:
            form.show_errors(exc.errors)
        except ProcessNotDeployed:
            form.form_errors.append(_("Layanan pengaduan belum dapat menerima laporan. Silakan coba lagi nanti."))
            return _complaint_page(form), 503
        else:
            # Post/redirect/get, so that reloading the receipt cannot file the complaint twice.
            session[_RECEIPT] = {"tracking_number": case.tracking_number, "access_code": access_code}
            return redirect(url_for("public.complaint_submitted"))
    return _complaint_page(form), 400 if request.method == "POST" else 200


@bp.get("/lapor/terkirim")
def complaint_submitted():
    """The receipt, shown once: popped from the session, so a reload or the back button
    finds it gone, and never cached, so it is not kept on the device either."""
    response = make_response(render_template("public/submitted.html", receipt=session.pop(_RECEIPT, None)))
    response.headers["Cache-Control"] = "no-store"
    return response


@bp.route("/lacak", methods=["GET", "POST"])
@public_endpoint("track")
def track():
    form = TrackForm()
    if form.validate_on_submit():
        complaint = find_complaint(tracking_number=form.tracking_number.data, access_code=form.access_code.data)
        if complaint is not None:
            remember_tracked(complaint.case_id)
            return render_tracking(complaint.case)
        # One message for an unknown number and a wrong code alike.
        form.form_errors.append(_("Nomor pelacakan atau kode akses salah."))
        form.access_code.data = ""  # not echoed back, as with a password
    elif request.method == "GET" and request.args.get("nomor"):
        form.tracking_number.data = request.args["nomor"]  # linked from the receipt
    status = 200 if request.method == "GET" else 401 if form.form_errors else 400
    return render_template("public/track.html", form=form), status


@bp.errorhandler(CSRFError)
def form_expired(error):
    """The form's token expires after an hour; a citizen who took longer to write a
    complaint gets it back as typed, with a fresh token, instead of a bare error page."""
    message = _("Formulir sudah kedaluwarsa. Periksa isian Anda lalu kirim sekali lagi.")
    if request.endpoint == "public.complaint_form":
        form = _complaint_form()
        form.form_errors.append(message)
        return _complaint_page(form), 400
    if request.endpoint == "public.track":
        form = TrackForm()
        form.form_errors.append(message)
        return render_template("public/track.html", form=form), 400
    return error


def _complaint_page(form: ComplaintForm) -> str:
    # After a refused POST the browser has dropped the chosen files: say so. Before a
    # citizen starts typing, say whether this address or device is near its limit.
    return render_template(
        "public/complaint_form.html",
        form=form,
        files_dropped=request.method == "POST",
        near_limits=near_limits("complaint") if request.method == "GET" else [],
        today=date.today().isoformat(),
        max_files=MAX_FILES,
        max_mb=MAX_FILE_BYTES // (1024 * 1024),
    )
