"""`flask --app app mail ...`: inbound mail from an MTA pipe, a fetch now, mailbox settings."""
import sys

import click

from app.services.mail.imap_fetch import MailboxUnavailable, fetch_all_mailboxes, fetch_mailbox
from app.services.mail.mail_intake import MailIntakeError, UnknownOrganisation, receive_mail
from app.services.mail.mail_settings import MailSettingsError, update_mail_settings

# sysexits.h: an MTA bounces on EX_NOUSER / EX_DATAERR and retries later on EX_TEMPFAIL.
EX_DATAERR, EX_NOUSER, EX_TEMPFAIL = 65, 67, 75


@click.group(help="Surat elektronik masuk: pengaduan dan balasan lewat email.")
def mail():
    pass


@mail.command("receive", help="Terima satu pesan (RFC 822) dari stdin, misalnya dari pipe MTA.")
@click.option("--org", "organisation_code", required=True, help="Kode instansi penerima.")
def receive_command(organisation_code: str):
    raw = sys.stdin.buffer.read()
    try:
        stored, new = receive_mail(organisation_code=organisation_code, raw=raw, source="pipe")
    except MailIntakeError as exc:
        click.echo(str(exc), err=True)
        raise SystemExit(EX_NOUSER if isinstance(exc, UnknownOrganisation) else EX_DATAERR) from exc
    except Exception as exc:  # the database is down: the MTA keeps the message and retries
        click.echo(f"Pesan belum dapat disimpan, coba lagi nanti: {type(exc).__name__}", err=True)
        raise SystemExit(EX_TEMPFAIL) from exc
    click.echo(f"Pesan #{stored.id} {'disimpan' if new else 'sudah ada, tidak disimpan dua kali'}: {stored.status}.")


@mail.command("fetch", help="Ambil pesan baru dari kotak surat IMAP sekarang (satu instansi atau semua).")
@click.option("--org", "organisation_code", default=None)
def fetch_command(organisation_code: str | None):
    try:
        result = fetch_mailbox(organisation_code=organisation_code) if organisation_code else fetch_all_mailboxes()
    except MailboxUnavailable as exc:
        raise click.ClickException(f"Kotak surat tidak dapat dihubungi: {exc}") from exc
    click.echo(f"{result.stored} pesan baru, {result.duplicates} sudah ada.")


@mail.command("mailbox", help="Atur kotak surat masuk instansi (kata sandi: DUMAS_IMAP_PASSWORDS).")
@click.option("--org", "organisation_code", required=True)
@click.option("--address", default=None, help="Alamat kotak surat ini; balasan pengadu dikirim ke sini.")
@click.option("--host", "imap_host", default=None)
@click.option("--port", "imap_port", type=int, default=None)
@click.option("--user", "imap_user", default=None)
@click.option("--ssl/--no-ssl", "imap_ssl", default=None)
@click.option("--auto-reply/--no-auto-reply", "auto_reply", default=None,
              help="Kirim nomor pelacakan kepada pengirim saat pengaduannya dicatat.")
@click.option("--allow", multiple=True, help="Alamat atau @domain yang dilewatkan dari pemeriksaan spam.")
@click.option("--deny", multiple=True, help="Alamat atau @domain yang selalu ditolak (pesannya tetap disimpan).")
def mailbox_command(organisation_code: str, allow: tuple, deny: tuple, **options):
    changes = {key: value for key, value in options.items() if value is not None}
    if allow:
        changes["allow"] = list(allow)
    if deny:
        changes["deny"] = list(deny)
    try:
        settings = update_mail_settings(organisation_code=organisation_code, changes=changes)
    except MailSettingsError as exc:
        raise click.ClickException(str(exc)) from exc
    click.echo(f"{organisation_code}: {settings.imap_user or '-'}@{settings.imap_host or '-'}:{settings.imap_port} "
               f"SSL {'Ya' if settings.imap_ssl else 'Tidak'}, balasan otomatis {'Ya' if settings.auto_reply else 'Tidak'}")
