"""Benchmark: inbound mail, on a fresh SQLite database. Prints, asserts nothing.

    .venv/bin/python bench/mail_bench.py [--messages 200]

  1. receive_mail (store raw + audit event, commit, then parse and classify, commit) of a
     small plain-text complaint with a PDF, per message;
  2. the same for one 10 MB message (a scanned attachment);
  3. a fetch over IMAP from a real Dovecot (tests/helpers/imap_server.py) of
     `--imap` small messages, per message, when /usr/sbin/dovecot is installed.
"""
import argparse
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--messages", type=int, default=200)
    parser.add_argument("--imap", type=int, default=50)
    args = parser.parse_args()

    import os

    import flask_migrate

    from app import create_app
    from app.extensions import db
    from app.services.mail.imap_fetch import fetch_mailbox
    from app.services.mail.mail_intake import receive_mail
    from app.services.mail.mail_settings import update_mail_settings
    from app.services.organisation.organisations import ensure_known_organisations
    from tests.helpers.complaints import PDF
    from tests.helpers.mail_helpers import message

    with tempfile.TemporaryDirectory() as directory:
        app = create_app({"SQLALCHEMY_DATABASE_URI": f"sqlite:///{directory}/bench.sqlite", "SECRET_KEY": "bench",
                          "DUMAS_TIMERS": "off", "DUMAS_AUDIT_SEAL_KEY": "bench", "DUMAS_AUDIT_SEAL_LOG": ""})
        with app.app_context():
            flask_migrate.upgrade()
            ensure_known_organisations()
            small = [message(subject=f"Pengaduan {n}", attachments=[("bukti.pdf", PDF)]) for n in range(args.messages)]
            start = time.perf_counter()
            for raw in small:
                receive_mail(organisation_code="bsn", raw=raw, source="pipe")
            per = (time.perf_counter() - start) / len(small) * 1000
            print(f"receive_mail, {len(small[0])} B message with a PDF: {per:.2f} ms/message "
                  f"({len(small)} messages)")
            big = message(subject="Besar", attachments=[("scan.pdf", PDF + os.urandom(7_900_000))])
            start = time.perf_counter()
            receive_mail(organisation_code="bsn", raw=big, source="pipe")
            print(f"receive_mail, one {len(big) / 1024 / 1024:.1f} MB message: "
                  f"{(time.perf_counter() - start) * 1000:.0f} ms")
            duplicate_start = time.perf_counter()
            for raw in small[:50]:
                receive_mail(organisation_code="bsn", raw=raw, source="pipe")
            print(f"receive_mail, a duplicate (recognised, not stored): "
                  f"{(time.perf_counter() - duplicate_start) / 50 * 1000:.2f} ms/message")
            if Path("/usr/sbin/dovecot").exists() and args.imap:
                from tests.helpers.imap_server import LocalImapServer

                server = LocalImapServer().start()
                try:
                    update_mail_settings(organisation_code="katingan", changes={
                        "imap_host": "127.0.0.1", "imap_port": server.port, "imap_user": server.user,
                        "imap_ssl": False})
                    app.config["DUMAS_IMAP_PASSWORDS"] = {"katingan": server.password}
                    for n in range(args.imap):
                        server.deliver(message(subject=f"IMAP {n}", attachments=[("bukti.pdf", PDF)]))
                    start = time.perf_counter()
                    result = fetch_mailbox(organisation_code="katingan")
                    print(f"IMAP fetch from Dovecot on 127.0.0.1: {result.stored} messages, "
                          f"{(time.perf_counter() - start) / max(result.stored, 1) * 1000:.2f} ms/message")
                finally:
                    server.remove()
            db.session.remove()
            db.engine.dispose()


if __name__ == "__main__":
    main()
