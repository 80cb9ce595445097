"""`flask --app app delegations create|list|end|apply`: the Plt. page from a shell."""
from datetime import datetime

import click

from app.delegations import bp
from app.extensions import db
from app.models import Delegation, User
from app.services.organisation.calendar import calendar_for
from app.services.organisation.delegations import (
    REASONS,
    DelegationError,
    apply_due_delegations,
    create_delegation,
    end_delegation,
    reason_label,
)

bp.cli.help = "Plt. (pelaksana tugas): siapa bertindak untuk pegawai yang berhalangan."


def _moment(value: str, organisation: str | None) -> datetime:
    """An ISO date or date-time; without a zone, in the organisation's (WIB/WITA/WIT)."""
    try:
        moment = datetime.fromisoformat(value)
    except ValueError:
        raise click.BadParameter(f"bukan tanggal/waktu ISO: {value!r}") from None
    return moment if moment.tzinfo else moment.replace(tzinfo=calendar_for(organisation).zone)


@bp.cli.command("create", help="Catat Plt.: --for pegawai yang digantikan, --plt penggantinya.")
@click.option("--for", "absent", required=True, help="Nama pengguna pegawai yang berhalangan.")
@click.option("--plt", "acting", required=True, help="Nama pengguna Plt.")
@click.option("--start", required=True, help="Mulai: 2026-12-07 atau 2026-12-07T08:00 (zona instansi).")
@click.option("--end", required=True, help="Berakhir (tidak termasuk): 2026-12-12 atau 2026-12-11T17:00.")
@click.option("--reason", type=click.Choice(REASONS), required=True)
@click.option("--note", default="")
def create_command(absent, acting, start, end, reason, note):
    user = db.session.scalars(db.select(User).where(User.username == absent)).first()
    organisation = user.organisation_code if user else None
    try:
        delegation = create_delegation(absent=absent, acting=acting, starts_at=_moment(start, organisation),
                                       ends_at=_moment(end, organisation), reason=reason, note=note, actor=None)
    except DelegationError as exc:
        raise click.ClickException(str(exc)) from exc
    click.echo(f"Plt. {delegation.id}: {acting} a.n. {absent}")


@bp.cli.command("list", help="Semua Plt., terbaru dahulu.")
def list_command():
    for d in db.session.scalars(db.select(Delegation).order_by(Delegation.starts_at.desc())).unique():
        state = "berakhir" if d.ended_at else ("berlaku" if d.started_at else "terjadwal")
        click.echo(f"{d.id}\t{d.to_user.username} a.n. {d.from_user.username}\t{d.starts_at.isoformat()}"
                   f"\t{d.ends_at.isoformat()}\t{reason_label(d.reason)}\t{state}")


@bp.cli.command("end", help="Akhiri Plt. sekarang.")
@click.argument("delegation_id", type=int)
def end_command(delegation_id):
    try:
        end_delegation(delegation_id=delegation_id, actor=None)
    except DelegationError as exc:
        raise click.ClickException(str(exc)) from exc
    click.echo(f"Plt. {delegation_id} berakhir.")


@bp.cli.command("apply", help="Mulai dan akhiri Plt. yang waktunya tiba (juga dilakukan penyapu timer).")
def apply_command():
    click.echo(f"{apply_due_delegations()} perubahan")
