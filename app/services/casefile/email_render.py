"""Rendering a notification as plain text and HTML from one template per message
(app/templates/email/<kind>.jinja). A template only sets what the message says: its
subject, greeting and paragraphs (a list of strings is a bulleted list), each written in
Indonesian through Flask-Babel, so the English text comes from the same source
(app/translations). The two layouts here put the agency's name on them."""
from dataclasses import dataclass

from flask import current_app
from flask_babel import force_locale


@dataclass(frozen=True)
class RenderedEmail:
    subject: str
    text: str
    html: str


def render_email(template: str, *, lang: str, agency: str = "", **context) -> RenderedEmail:
    env = current_app.jinja_env
    context = {"reply_enabled": False, "track_url": "", **context}
    with force_locale("en" if lang == "en" else "id"):
        # A template module's attributes are the names the template sets.
        message = vars(env.get_template(f"email/{template}.jinja").make_module(context))
        footer = vars(env.get_template("email/_footer.jinja").make_module(context))
        subject = " ".join(str(message["subject"]).split())[:255]
        parts = {
            "lang": lang,
            "agency": agency or "Dumas",
            "subject": subject,
            "greeting": str(message["greeting"]),
            # Falsy entries are the conditional paragraphs that do not apply.
            "paragraphs": [p if isinstance(p, list) else str(p) for p in message["paragraphs"] if p],
            "footer": [str(p) for p in footer[message["audience"]] if p],
        }
        text = env.get_template("email/_layout.txt.jinja").render(**parts)
        html = env.get_template("email/_layout.html").render(**parts)
    return RenderedEmail(subject=subject, text=text.strip() + "\n", html=html)
