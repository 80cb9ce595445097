"""A real IMAP server for the tests: Debian's Dovecot, started with a throwaway
configuration (its own port on 127.0.0.1, users from a passwd-file, Maildirs, no TLS),
all under a temporary directory of its own. Run as root (CI containers), the mail
processes run as Debian's `dovecot` user: Dovecot refuses to serve mail as uid 0. Messages are delivered with IMAP APPEND, as a mail
server's delivery agent would leave them: unseen in INBOX."""
import imaplib
import os
import pwd
import shutil
import signal
import subprocess
import tempfile
import time
from pathlib import Path

from tests.helpers.smtp_server import free_port

DOVECOT = "/usr/sbin/dovecot"

_CONFIG = """\
protocols = imap
listen = 127.0.0.1
base_dir = {root}/run
state_dir = {root}/state
log_path = {root}/dovecot.log
ssl = no
disable_plaintext_auth = no
auth_mechanisms = plain login
first_valid_uid = 1
mail_location = maildir:{root}/mail/%u
passdb {{
  driver = passwd-file
  args = scheme=PLAIN username_format=%u {root}/passwd
}}
userdb {{
  driver = static
  args = uid={uid} gid={gid} home={root}/home/%u
}}
service imap-login {{
  inet_listener imap {{
    address = 127.0.0.1
    port = {port}
  }}
  inet_listener imaps {{
    port = 0
  }}
}}
service stats {{
  inet_listener http {{
    port = 0
  }}
}}
"""


class LocalImapServer:
    def __init__(self, *, user: str = "pengaduan", password: str = "rahasia-uji"):
        # Not pytest's tmp_path: its parents are closed to the unprivileged mail processes.
        self.root = Path(tempfile.mkdtemp(prefix="dumas-imap-"))
        self.user, self.password = user, password
        self.port = free_port()
        self._process: subprocess.Popen | None = None

    def start(self) -> "LocalImapServer":
        for sub in ("run", "state", "mail", "home"):
            (self.root / sub).mkdir(parents=True, exist_ok=True)
        (self.root / "passwd").write_text(f"{self.user}:{{PLAIN}}{self.password}::::::\n")
        uid, gid = os.getuid(), os.getgid()
        if uid == 0:
            account = pwd.getpwnam("dovecot")
            uid, gid = account.pw_uid, account.pw_gid
            for sub in ("mail", "home"):
                os.chown(self.root / sub, uid, gid)
        config = self.root / "dovecot.conf"
        config.write_text(_CONFIG.format(root=self.root, port=self.port, uid=uid, gid=gid))
        self.root.chmod(0o755)
        self._process = subprocess.Popen([DOVECOT, "-F", "-c", str(config)], stdout=subprocess.DEVNULL,
                                         stderr=subprocess.PIPE)
        self._wait_until_ready()
        return self

    def _wait_until_ready(self, timeout: float = 20) -> None:
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            if self._process.poll() is not None:
                raise RuntimeError(f"dovecot exited: {self._process.stderr.read().decode()} {self.log()}")
            try:
                connection = imaplib.IMAP4("127.0.0.1", self.port, timeout=2)
                connection.login(self.user, self.password)
                connection.logout()
                return
            except (OSError, imaplib.IMAP4.error):
                time.sleep(0.1)
        raise RuntimeError(f"dovecot did not answer on port {self.port}: {self.log()}")

    def log(self) -> str:
        path = self.root / "dovecot.log"
        return path.read_text() if path.exists() else ""

    def stop(self) -> None:
        if self._process is not None and self._process.poll() is None:
            self._process.send_signal(signal.SIGTERM)
            try:
                self._process.wait(timeout=10)
            except subprocess.TimeoutExpired:
                self._process.kill()
                self._process.wait()
        self._process = None

    def remove(self) -> None:
        self.stop()
        shutil.rmtree(self.root, ignore_errors=True)

    def connect(self) -> imaplib.IMAP4:
        connection = imaplib.IMAP4("127.0.0.1", self.port, timeout=10)
        connection.login(self.user, self.password)
        return connection

    def deliver(self, raw: bytes) -> None:
        connection = self.connect()
        try:
            status, _ = connection.append("INBOX", None, None, raw)
            assert status == "OK"
        finally:
            connection.logout()

    def flags(self) -> list[set[str]]:
        """The flags of every message in INBOX, in order."""
        connection = self.connect()
        try:
            connection.select("INBOX", readonly=True)
            _, data = connection.uid("SEARCH", None, "ALL")
            result = []
            for uid in data[0].split():
                _, fetched = connection.uid("FETCH", uid, "(FLAGS)")
                text = fetched[0].decode()
                result.append(set(text[text.index("FLAGS (") + 7:text.index(")", text.index("FLAGS ("))].split()))
            return result
        finally:
            connection.logout()
