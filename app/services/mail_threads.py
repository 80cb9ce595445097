"""Replies to a case's mail, threaded to the case (issue 16 item 3)."""
from app.models import InboundMail
from app.services.mail_parse import ParsedMail


def thread_reply(*, mail: InboundMail, parsed: ParsedMail) -> bool:
    """Attach a reply to its case; False when the message is not a reply to one."""
    return False
