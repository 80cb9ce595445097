"""`flask --app app reports generate --org CODE --year Y --semester 1|2`."""
import click

from app.reports import bp
from app.services.reporting.reports import ReportError, generate_report


@bp.cli.command("generate", help="Buat dan simpan laporan semesteran satu instansi.")
@click.option("--org", "organisation", required=True, help="Kode instansi, mis. bsn.")
@click.option("--year", type=int, required=True)
@click.option("--semester", type=click.IntRange(1, 2), required=True, help="1 = Januari-Juni, 2 = Juli-Desember.")
@click.option("--by", "actor", default="cli", show_default=True, help="Dicatat sebagai pembuat.")
def generate_command(organisation: str, year: int, semester: int, actor: str):
    try:
        report = generate_report(organisation_code=organisation, year=year, semester=semester, actor=actor)
    except ReportError as exc:
        raise click.ClickException(str(exc)) from exc
    summary = report.summary
    click.echo(f"Laporan {report.id}: {organisation} {summary['period']}, {summary['total']} kasus, "
               f"batas waktu terpenuhi {summary['deadlines_met']}, terlewati {summary['deadlines_missed']}, "
               f"berisiko {summary['at_risk']}, terlambat {summary['overdue']}.")
