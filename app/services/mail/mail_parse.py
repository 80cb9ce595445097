"""Reading a stored message (RFC 822 bytes): who sent it, its subject, a plain-text body
and its attachments. Only ever run on what is already stored (app/services/mail/mail_intake.py),
so a message that breaks the parser is still kept.

HTML is never passed on as HTML: an HTML-only message is turned into plain text here,
script and style contents dropped, so nothing a sender wrote can run in an officer's page.
"""
import hashlib
import re
from dataclasses import dataclass, field
from email import policy
from email.parser import BytesHeaderParser, BytesParser
from email.utils import getaddresses, parseaddr
from html.parser import HTMLParser

_HEADER_PARSER = BytesHeaderParser(policy=policy.default)
_PARSER = BytesParser(policy=policy.default)
_MSGID = re.compile(r"<[^<>\s]+>")
MAX_RAW_BODY = 20_000


@dataclass
class Attachment:
    filename: str
    content_type: str
    content: bytes


@dataclass
class ParsedMail:
    sender: str = ""
    subject: str = ""
    body: str = ""
    attachments: list[Attachment] = field(default_factory=list)
    in_reply_to: list[str] = field(default_factory=list)
    references: list[str] = field(default_factory=list)
    # To, Cc and Delivered-To: a reply's plus-address names its case.
    recipients: list[str] = field(default_factory=list)
    # What the parser found wrong, for the officer (a malformed message is still shown).
    defects: list[str] = field(default_factory=list)


def message_id_of(raw: bytes) -> str:
    """The Message-ID from the headers alone, or one made from the content's hash, so
    that the same bytes delivered twice are recognised either way."""
    try:
        # Only the header block: the header parser would still read a 10 MB body through.
        value = str(_HEADER_PARSER.parsebytes(header_block(raw)).get("Message-ID") or "")
    except Exception:  # noqa: BLE001 - any header the parser chokes on means "none"
        value = ""
    found = _MSGID.search(value)
    return found.group(0)[:500] if found else f"<{hashlib.sha256(raw).hexdigest()}@dumas.invalid>"


def header_block(raw: bytes) -> bytes:
    ends = [i for i in (raw.find(b"\r\n\r\n"), raw.find(b"\n\n")) if i >= 0]
    return raw[:min(ends)] + b"\r\n\r\n" if ends else raw


def _header(message, name: str) -> str:
    try:
        return str(message.get(name) or "")
    except Exception:  # noqa: BLE001 - a broken encoded word: keep the raw header
        return str(message.get_all(name, [""])[0] if hasattr(message, "get_all") else "")


def parse_mail(raw: bytes) -> ParsedMail:
    message = _PARSER.parsebytes(raw)
    parsed = ParsedMail()
    parsed.sender = parseaddr(_header(message, "From"))[1].strip().lower()[:255]
    parsed.subject = " ".join(_header(message, "Subject").split())[:500]
    parsed.in_reply_to = _MSGID.findall(_header(message, "In-Reply-To"))
    parsed.references = _MSGID.findall(_header(message, "References"))
    parsed.recipients = [a for name in ("To", "Cc", "Delivered-To") for a in addresses(_header(message, name))]
    parsed.defects = [type(d).__name__ for part in message.walk() for d in part.defects]
    parsed.body = _body_text(message, parsed)
    for part in message.walk():
        if part.is_multipart() or part.get_content_disposition() not in ("attachment", "inline"):
            continue
        filename = part.get_filename()
        if not filename:
            continue
        try:
            payload = part.get_payload(decode=True)
        except Exception:  # noqa: BLE001 - undecodable part: reported, not fatal
            parsed.defects.append("UndecodableAttachment")
            continue
        parsed.attachments.append(Attachment(filename=str(filename)[:255], content_type=part.get_content_type(),
                                             content=payload if isinstance(payload, bytes) else b""))
    return parsed


def _body_text(message, parsed: ParsedMail) -> str:
    try:
        part = message.get_body(preferencelist=("plain", "html"))
    except Exception:  # noqa: BLE001
        part = None
    if part is None:
        # No text part found (or a broken structure): the first text/* part, if any.
        part = next((p for p in message.walk() if p.get_content_maintype() == "text"
                     and p.get_content_disposition() != "attachment"), None)
    if part is None:
        # A broken structure (e.g. a multipart whose boundary never comes): the body as
        # it stands, for the officer to read; it is shown as plain text only.
        payload = message.get_payload()
        return payload.replace("\r\n", "\n").strip()[:MAX_RAW_BODY] if isinstance(payload, str) else ""
    try:
        text = part.get_content()
    except Exception:  # noqa: BLE001 - a wrong charset or transfer encoding
        parsed.defects.append("UndecodableBody")
        payload = part.get_payload(decode=True) or b""
        text = payload.decode("utf-8", errors="replace")
    if part.get_content_subtype() == "html":
        text = html_to_text(text)
    return text.replace("\r\n", "\n").strip()


class _TextOnly(HTMLParser):
    _SKIPPED = {"script", "style", "head", "title", "template", "noscript"}
    _BREAKS = {"br", "p", "div", "li", "tr", "h1", "h2", "h3", "h4", "h5", "h6", "blockquote"}

    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.parts: list[str] = []
        self._skipping = 0

    def handle_starttag(self, tag, attrs):
        if tag in self._SKIPPED:
            self._skipping += 1
        elif tag in self._BREAKS:
            self.parts.append("\n")

    def handle_endtag(self, tag):
        if tag in self._SKIPPED and self._skipping:
            self._skipping -= 1
        elif tag in self._BREAKS:
            self.parts.append("\n")

    def handle_data(self, data):
        if not self._skipping:
            self.parts.append(data)


def html_to_text(html: str) -> str:
    """The readable text of an HTML body: no tags, no scripts, no styles."""
    reader = _TextOnly()
    reader.feed(html)
    reader.close()
    lines = [" ".join(line.split()) for line in "".join(reader.parts).split("\n")]
    return re.sub(r"\n{3,}", "\n\n", "\n".join(lines)).strip()


def addresses(header_value: str) -> list[str]:
    return [address.lower() for _, address in getaddresses([header_value]) if address]
