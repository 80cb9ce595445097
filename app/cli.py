"""Command-line entry points: `flask --app app <group> <command>`."""
import click
from flask import Flask, current_app
from sqlalchemy.exc import DBAPIError

from app.cli_mail import mail
from app.extensions import db
from app.models import User
from app.services.administration.demo import seed_demo
from app.services.audit_trail.audit_chain import case_id_for
from app.services.audit_trail.audit_seals import PERIODIC, seal_chains, verify_audit
from app.services.definitions.processes import DeploymentError, deploy_directory, deployed_processes
from app.services.organisation.accounts import (
    AccountError,
    all_units,
    create_user,
    ensure_system_roles,
    ensure_unit,
    lane_roles,
)
from app.services.organisation.calendar import (
    KINDS,
    CalendarError,
    add_holiday,
    holidays_in,
    remove_holiday,
    set_working_week,
)
from app.services.organisation.organisations import all_organisations, ensure_known_organisations, ensure_organisation
from app.services.organisation.signatory import SignatoryError, set_signatory, signatory_of
from app.services.worklist.strays import stray_tasks


def register_commands(app: Flask) -> None:
    app.cli.add_command(calendar)
    app.cli.add_command(organisations)
    app.cli.add_command(processes)
    app.cli.add_command(demo)
    app.cli.add_command(users)
    app.cli.add_command(units)
    app.cli.add_command(roles_command)
    app.cli.add_command(audit)
    app.cli.add_command(data)
    app.cli.add_command(mail)


@click.group(help="Diagram proses (BPMN) beserta tabel keputusan dan formulirnya.")
def processes():
    pass


@processes.command("deploy", help="Deploy bpmn/, dmn/ dan forms/ sebagai versi baru bila berubah.")
@click.option("--by", "deployed_by", default="cli", show_default=True, help="Dicatat sebagai yang mendeploy.")
def deploy_command(deployed_by: str):
    try:
        versions = deploy_directory(current_app.config["DUMAS_MODELS_DIR"], deployed_by=deployed_by)
    except DeploymentError as exc:
        raise click.ClickException(str(exc)) from exc
    for version in versions:
        click.echo(f"{version.definition.key}: versi {version.number}")


@processes.command("add", help="Terapkan diagram proses baru (id proses yang belum ada) melalui gerbang penerapan, "
                   "dengan formulir dan tabel keputusan yang sudah diterapkan.")
@click.argument("bpmn_file", type=click.Path(exists=True, dir_okay=False))
@click.option("--decision", "decision_files", multiple=True, type=click.Path(exists=True, dir_okay=False),
              help="Tabel keputusan baru (.dmn) yang dipakai diagram ini; boleh berulang.")
@click.option("--create-roles", is_flag=True, help="Buat peran untuk jalur yang belum menjadi peran.")
@click.option("--by", "deployed_by", default="cli", show_default=True, help="Dicatat sebagai yang menerapkan.")
def add_process_command(bpmn_file, decision_files, create_roles, deployed_by):
    from pathlib import Path

    from app.services.modelling.deploy_gate import GateRefused, read_upload
    from app.services.modelling.model_editor import save_new_diagram

    try:
        tables = {Path(f).name: read_upload(Path(f).read_bytes(), filename=f) for f in decision_files}
        deployment = save_new_diagram(bpmn_xml=read_upload(Path(bpmn_file).read_bytes(), filename=bpmn_file),
                                      actor=deployed_by, create_missing_roles=create_roles, decision_xmls=tables)
    except GateRefused as exc:
        for problem in exc.report.problems:
            click.echo(f"- {problem.message}" + (f" [{problem.element_id}]" if problem.element_id else ""), err=True)
        raise click.ClickException("Diagram tidak diterapkan.") from exc
    version = deployment.version
    click.echo(f"{version.definition.key}: versi {version.number}")


@processes.command("form-schema", help="JSON Schema berkas formulir (forms/*.json), untuk editor teks pemilik proses.")
def form_schema_command():
    import json

    from app.services.definitions.forms import definition_schema

    click.echo(json.dumps(definition_schema(), ensure_ascii=False, indent=2))


@processes.command("list", help="Versi terbaru setiap proses.")
def list_command():
    for version in deployed_processes():
        click.echo(f"{version.definition.key}\tversi {version.number}\t{version.definition.name}")


@click.command("roles", help="Semua peran yang dinamai lajur (lane) diagram yang dideploy.")
def roles_command():
    for role in lane_roles():
        click.echo(role)


@click.group(help="Akun petugas.")
def users():
    pass


@users.command("create", help="Buat akun petugas dengan satu atau lebih peran.")
@click.option("--username", required=True)
@click.option("--password", required=True, help="Minimal 8 karakter; disimpan sebagai hash.")
@click.option("--role", "roles", multiple=True, required=True, help="Nama lajur, mis. 'Admin Inspektorat'.")
@click.option("--unit", "unit_code", default=None, help="Kode unit kerja (lihat `units list`).")
@click.option("--name", "full_name", default="", help="Nama lengkap.")
@click.option("--organisation", "organisation_code", default=None,
              help="Kode instansi (lihat `organisations list`); tanpa ini: peran nasional, semua instansi.")
def create_user_command(username, password, roles, unit_code, full_name, organisation_code):
    try:
        user = create_user(username=username, password=password, roles=list(roles), unit_code=unit_code,
                           full_name=full_name, organisation_code=organisation_code)
    except AccountError as exc:
        raise click.ClickException(str(exc)) from exc
    click.echo(f"Akun {user.username} dibuat: {', '.join(sorted(user.role_names))}")


@users.command("list", help="Semua akun: nama pengguna, instansi, unit, peran.")
def list_users_command():
    for user in db.session.scalars(db.select(User).order_by(User.organisation_code, User.username)):
        click.echo(f"{user.username}\t{user.organisation_code or '-'}\t{user.unit_code or '-'}\t"
                   f"{', '.join(sorted(user.role_names))}")


@click.group(help="Unit kerja (organisasi).")
def units():
    pass


@units.command("create", help="Tambah unit kerja.")
@click.option("--code", required=True)
@click.option("--name", required=True)
@click.option("--organisation", default="")
def create_unit_command(code, name, organisation):
    unit = ensure_unit(code=code, name=name, organisation=organisation)
    click.echo(f"{unit.code}\t{unit.name}")


@units.command("list", help="Semua unit kerja.")
def list_units_command():
    for unit in all_units():
        click.echo(f"{unit.code}\t{unit.name}")


@click.group(help="Instansi: yang menjalankan SOP-nya di sini dan yang hanya disurati.")
def organisations():
    pass


@organisations.command("create", help="Tambah instansi.")
@click.option("--code", required=True)
@click.option("--name", required=True)
@click.option("--process", "process_key", default=None, help="Proses (SOP) yang dijalankannya di sini, bila ada.")
@click.option("--timezone", default="Asia/Jakarta", show_default=True,
              help="Asia/Jakarta (WIB), Asia/Makassar (WITA) atau Asia/Jayapura (WIT).")
@click.option("--accepts-complaints", is_flag=True, help="Tampil di formulir pengaduan publik /lapor.")
@click.option("--working-days", default="0,1,2,3,4", show_default=True, help="Hari kerja, Senin = 0.")
@click.option("--identity-lane", "identity_lanes", multiple=True, help="Jalur yang melihat identitas pelapor rahasia.")
@click.option("--intake-lane", "intake_lanes", multiple=True, help="Jalur yang mencatat pengaduan luring.")
@click.option("--report-recipient", default=None, help="Penerima laporan semesteran (bawaan: pimpinan instansi).")
@click.option("--report-lane", "report_lanes", multiple=True, help="Jalur yang menyusun atau menerima laporan semesteran.")
def create_organisation_command(code, name, process_key, timezone, accepts_complaints, working_days, identity_lanes,
                                intake_lanes, report_recipient, report_lanes):
    organisation = ensure_organisation(code=code, name=name, process_key=process_key, timezone=timezone,
                                       accepts_complaints=accepts_complaints, working_days=working_days,
                                       identity_lanes=list(identity_lanes), intake_lanes=list(intake_lanes),
                                       report_recipient=report_recipient, report_lanes=list(report_lanes))
    db.session.commit()
    click.echo(f"{organisation.code}\t{organisation.name}")


@organisations.command("seed", help="Tambahkan instansi kelima SOP bawaan dan tujuan penerusannya yang belum ada.")
def seed_organisations_command():
    ensure_known_organisations()
    ensure_system_roles()
    click.echo("Instansi bawaan tersedia.")


@organisations.command("list", help="Semua instansi.")
def list_organisations_command():
    for organisation in all_organisations():
        click.echo(f"{organisation.code}\t{organisation.process_key or '-'}\t{organisation.name}")


@organisations.command("signatory", help="Pejabat penandatangan berkas kasus cetak; tanpa --name: tampilkan yang berlaku.")
@click.option("--org", "organisation_code", required=True)
@click.option("--place", default="", help="Tempat penandatanganan, mis. Jakarta.")
@click.option("--name", default="", help="Nama lengkap dengan gelar.")
@click.option("--nip", default="", help="NIP, 18 angka.")
@click.option("--position", default="", help="Jabatan.")
def signatory_command(organisation_code, place, name, nip, position):
    if name:
        try:
            set_signatory(organisation_code=organisation_code, place=place, name=name, nip=nip, position=position,
                          actor="cli")
        except SignatoryError as exc:
            raise click.ClickException(str(exc)) from exc
    from app.models import Organisation

    signatory = signatory_of(db.session.get(Organisation, organisation_code))
    if signatory is None:
        raise click.ClickException(f"Belum ada pejabat penandatangan untuk {organisation_code}.")
    click.echo(f"{signatory.place}\t{signatory.name}\tNIP {signatory.nip}\t{signatory.position}")


@organisations.command("heads", help="Peran kepala instansi (tab Tim, menugaskan tugas); tanpa --role: tampilkan "
                        "yang berlaku. Bawaan: lajur penyelia SOP-nya (lajur tujuan eskalasi).")
@click.option("--org", "organisation_code", required=True)
@click.option("--role", "roles", multiple=True, help="Peran kepala; boleh berulang.")
@click.option("--default", "use_default", is_flag=True, help="Kembali ke bawaan: lajur penyelia SOP-nya.")
def heads_command(organisation_code, roles, use_default):
    from app.models import Organisation
    from app.services.organisation.supervision import SupervisionError, head_roles, set_head_roles

    try:
        if roles or use_default:
            set_head_roles(organisation_code=organisation_code, roles=None if use_default else list(roles))
    except SupervisionError as exc:
        raise click.ClickException(str(exc)) from exc
    organisation = db.session.get(Organisation, organisation_code)
    if organisation is None:
        raise click.ClickException(f"Instansi {organisation_code!r} tidak dikenal (lihat `organisations list`).")
    source = "pengaturan" if organisation.head_roles is not None else "bawaan: lajur penyelia SOP"
    click.echo(f"{', '.join(sorted(head_roles(organisation))) or '-'}	({source})")


@click.group(help="Kalender hari kerja: cuti bersama, libur daerah, hari kerja per instansi.")
def calendar():
    pass


@calendar.command("add", help="Tambah hari libur; libur nasional dan cuti bersama sudah dari paket holidays. "
                  "--kind bukan_libur: hari dari paket itu tetap hari kerja (--name: alasannya).")
@click.option("--date", "day", required=True, type=click.DateTime(formats=["%Y-%m-%d"]))
@click.option("--name", required=True)
@click.option("--kind", type=click.Choice(KINDS), required=True)
@click.option("--organisation", "organisation_code", default=None, help="Untuk libur daerah: kode instansinya.")
def calendar_add_command(day, name, kind, organisation_code):
    try:
        holiday = add_holiday(day=day.date(), name=name, kind=kind, organisation_code=organisation_code, actor="cli")
    except CalendarError as exc:
        raise click.ClickException(str(exc)) from exc
    click.echo(f"{holiday.id}\t{holiday.day}\t{holiday.name}")


@calendar.command("list", help="Hari libur tambahan dalam satu tahun.")
@click.option("--year", type=int, required=True)
def calendar_list_command(year):
    for holiday in holidays_in(year):
        click.echo(f"{holiday.id}\t{holiday.day}\t{holiday.kind}\t{holiday.organisation_code or 'semua'}\t{holiday.name}")


@calendar.command("remove", help="Hapus hari libur tambahan (lihat id di `calendar list`).")
@click.option("--id", "holiday_id", type=int, required=True)
def calendar_remove_command(holiday_id):
    try:
        remove_holiday(holiday_id=holiday_id, actor="cli")
    except CalendarError as exc:
        raise click.ClickException(str(exc)) from exc
    click.echo("Dihapus.")


@calendar.command("working-week", help="Hari kerja satu instansi, mis. --days 0,1,2,3,4 (Senin=0).")
@click.option("--organisation", "organisation_code", required=True)
@click.option("--days", required=True)
def calendar_week_command(organisation_code, days):
    try:
        set_working_week(organisation_code=organisation_code, weekdays=[int(d) for d in days.split(",")], actor="cli")
    except (CalendarError, ValueError) as exc:
        raise click.ClickException(str(exc)) from exc
    click.echo(f"{organisation_code}: {days}")


@click.group(help="Data contoh untuk mencoba sistem.")
def demo():
    pass


@demo.command("seed", help="Deploy model, unit, akun contoh dan kasus contoh (sekali saja).")
def seed_command():
    created = seed_demo(current_app.config["DUMAS_MODELS_DIR"])
    click.echo(f"{created} kasus contoh dibuat." if created else "Data contoh sudah ada; tidak ada yang diubah.")


@click.group(help="Jejak audit: rantai hash per kasus.")
def audit():
    pass


@audit.command("verify", help="Periksa rantai hash jejak audit satu kasus (id atau nomor pelacakan), atau semuanya, "
                                "juga terhadap segel terakhir.")
@click.argument("case", required=False)
def audit_verify_command(case):
    if case is None:
        verdict = verify_audit(everything=True)
    else:
        case_id = case_id_for(case)
        if case_id is None:
            raise click.ClickException(f"Kasus {case} tidak ditemukan.")
        verdict = verify_audit(case_id=case_id)
    for report in verdict.chains:
        if report.ok:
            sealed = verdict.sealed.get(report.chain)
            click.echo(f"UTUH\t{report.chain}\t{report.events} kejadian\tkepala {report.head_hash or '-'}\t"
                       + (f"disegel sampai urutan {sealed}" if sealed else "belum disegel"))
        elif report.broken_event_id is not None:
            click.echo(f"RUSAK\t{report.chain}\tkejadian #{report.broken_event_id} (urutan {report.broken_seq}): "
                       f"{report.problem}", err=True)
        else:
            click.echo(f"RUSAK\t{report.chain}\t{report.problem}", err=True)
    for problem in verdict.problems:
        click.echo(f"RUSAK\tsegel\t{problem}", err=True)
    if not verdict.seals:
        click.echo("PERINGATAN\tbelum ada segel: ekor atau rantai yang hilang belum dapat dikenali "
                   "(flask --app app audit seal).", err=True)
    broken = [r for r in verdict.chains if not r.ok]
    click.echo(f"{len(verdict.chains)} rantai diperiksa, {len(broken)} rusak"
               + (f", {len(verdict.problems)} masalah segel." if verdict.problems else "."))
    if not verdict.ok:
        raise SystemExit(1)


@audit.command("seal", help="Segel kepala rantai audit sekarang (selain segel berkala dan saat mencetak).")
def audit_seal_command():
    seal = seal_chains(reason=PERIODIC)
    click.echo(f"Segel #{seal.id}: {seal.chains} rantai." if seal else "Tidak ada yang berubah sejak segel terakhir.")


@audit.command("grant-app-role", help="PostgreSQL, sebagai pemilik tabel: beri peran basis data aplikasi hak biasa "
                                      "di semua tabel, tetapi hanya INSERT dan SELECT di tabel audit.")
@click.argument("role")
def audit_grant_app_role_command(role):
    from app.db_roles import grant_app_role

    if db.engine.dialect.name != "postgresql":
        raise click.ClickException("Hanya untuk PostgreSQL; SQLite tidak mengenal peran basis data.")
    try:
        with db.engine.begin() as connection:
            grant_app_role(connection, role)
    except DBAPIError as error:
        raise click.ClickException(f"Hak tidak dapat diberikan kepada peran {role}: "
                                   f"{str(error.orig).splitlines()[0]}") from error
    click.echo(f"Peran {role}: hak biasa di semua tabel; audit_events dan audit_seals hanya INSERT dan SELECT.")

@click.group(help="Pemeriksaan data untuk operator.")
def data():
    pass


@data.command("check-strays", help="Tugas menunggu yang tidak dapat dikerjakan akun aktif mana pun di instansinya.")
def check_strays_command():
    strays = stray_tasks()
    for stray in strays:
        unit = f"{stray.unit_name} ({stray.unit})" if stray.unit_name else (stray.unit or "-")
        click.echo(f"{stray.tracking_number}\t{stray.task}\t{stray.lane}\t{unit}\t{stray.organisation or '-'}\t"
                   f"{stray.reason}")
    click.echo(f"{len(strays)} tugas tidak dapat dikerjakan siapa pun.")
    if strays:
        raise SystemExit(1)
