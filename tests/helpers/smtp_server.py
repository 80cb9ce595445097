"""A real SMTP server on localhost (aiosmtpd) that keeps what it receives, so tests read
the mail a complainant or an officer would get."""
import email
import socket
import time
from email.message import EmailMessage
from email.policy import default

from aiosmtpd.controller import Controller


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


class LocalSmtpServer:
    def __init__(self, port: int | None = None):
        self.port = port or free_port()
        self.received: list[EmailMessage] = []
        self._controller = Controller(self, hostname="127.0.0.1", port=self.port)

    async def handle_DATA(self, server, session, envelope):  # noqa: N802  (aiosmtpd's hook name)
        message = email.message_from_bytes(envelope.content, policy=default)
        message["X-Envelope-To"] = ", ".join(envelope.rcpt_tos)
        self.received.append(message)
        return "250 Message accepted"

    def start(self) -> "LocalSmtpServer":
        self._controller.start()
        return self

    def stop(self) -> None:
        self._controller.stop()

    def wait_for(self, count: int, timeout: float = 30) -> list[EmailMessage]:
        deadline = time.monotonic() + timeout
        while len(self.received) < count and time.monotonic() < deadline:
            time.sleep(0.1)
        return self.received


def body(message: EmailMessage) -> str:
    """The plain-text part (every notification also has an HTML one)."""
    return message.get_body(preferencelist=("plain",)).get_content()


def html_body(message: EmailMessage) -> str:
    return message.get_body(preferencelist=("html",)).get_content()
