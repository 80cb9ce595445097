"""Every notification goes out as plain text and HTML, from one template per message
whose English comes from the same Indonesian source through Flask-Babel, with the
agency's name."""
import pytest

from app.services.casefile.email_render import render_email
from app.services.intake.complaints import Upload, submit_complaint
from app.services.mail.mail_settings import update_mail_settings
from app.services.mail.notifications import send_due_notifications
from tests.helpers.complaints import COMPLAINANT, PDF
from tests.helpers.smtp_server import LocalSmtpServer, body, html_body

AGENCY = "Inspektorat Badan Standardisasi Nasional"
KINDS = ["received", "status", "closed", "info_requested", "answer_received", "objection_received",
         "rating_received", "digest"]
CONTEXT = {"tracking_number": "DUMAS-2026-000042", "title": "Jalan <rusak> & berlubang", "status_label": "Selesai",
               "status_description": "Penanganan selesai.", "final_status": "selesai", "missing": "Fotokopi KTP",
               "track_url": "", "day": "2026-12-04", "name": "Admin", "new_tasks": [], "due_tasks": [], "due_days": 2, "inbox_url": ""}


@pytest.fixture
def smtp(app):
    server = LocalSmtpServer().start()
    app.config.update(DUMAS_SMTP_HOST="127.0.0.1", DUMAS_SMTP_PORT=server.port, DUMAS_MAIL_FROM="dumas@bsn.example")
    yield server
    server.stop()


@pytest.mark.parametrize("lang, greeting, opening", [
    ("id", "Yth. Pelapor,", "sudah kami terima dan tercatat dengan nomor pelacakan"),
    ("en", "Dear complainant,", "We have received your complaint"),
])
def test_the_receipt_has_an_html_part_beside_the_text_with_the_agency(sop_models, smtp, lang, greeting, opening):
    case, access_code = submit_complaint(raw={**COMPLAINANT, "judul": "Pungli <script>alert(1)</script> & calo"},
                                         uploads=[Upload("bukti.pdf", PDF)], lang=lang)
    send_due_notifications()
    [message] = smtp.received
    assert message.get_content_type() == "multipart/alternative"
    text, html = body(message), html_body(message)
    for part in (text, html):
        assert AGENCY in part and greeting in part and opening in part and case.tracking_number in part
        assert access_code not in part
    assert f'<html lang="{lang}">' in html
    # The title is the complainant's text: shown, never markup.
    assert "<script>" not in html and "&lt;script&gt;alert(1)&lt;/script&gt; &amp; calo" in html
    assert "Pungli <script>alert(1)</script> & calo" in text


@pytest.mark.parametrize("kind", KINDS)
def test_every_message_is_translated_from_its_one_template(app_context, kind):
    indonesian = render_email(kind, lang="id", agency=AGENCY, **CONTEXT)
    english = render_email(kind, lang="en", agency=AGENCY, **CONTEXT)
    assert indonesian.subject and english.subject and indonesian.subject != english.subject
    assert indonesian.text.splitlines()[2] != english.text.splitlines()[2]  # the greeting
    for rendered in (indonesian, english):
        assert AGENCY in rendered.text and AGENCY in rendered.html
        assert "<html" in rendered.html and "%(" not in rendered.text
    if kind != "digest":
        assert "Yth." not in english.text and "pengaduan Anda" not in english.text.lower()
        assert "Jalan &lt;rusak&gt; &amp; berlubang" in english.html


def test_the_footer_invites_a_reply_only_when_replies_reach_the_case(sop_models, smtp):
    submit_complaint(raw=COMPLAINANT, uploads=[], lang="id")
    send_due_notifications()
    update_mail_settings(organisation_code="bsn", changes={"address": "pengaduan@bsn.example"})
    submit_complaint(raw={**COMPLAINANT, "judul": "Kedua"}, uploads=[], lang="id")
    send_due_notifications()
    first, second = smtp.received
    assert "mohon tidak membalas" in body(first) and first["Reply-To"] is None
    assert "Balasan Anda ke email ini dilampirkan pada pengaduan Anda." in body(second)
    assert second["Reply-To"].startswith("pengaduan+DUMAS-")
