"""Command-line entry points: `flask --app app <group> <command>`."""
import click
from flask import Flask, current_app

from app.services.demo import seed_demo
from app.services.processes import DeploymentError, deploy_directory, deployed_processes


def register_commands(app: Flask) -> None:
    app.cli.add_command(processes)
    app.cli.add_command(demo)


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


@processes.command("list", help="Versi terbaru setiap proses.")
def list_command():
    for version in deployed_processes():
        click.echo(f"{version.definition.key}\tversi {version.number}\t{version.definition.name}")


@click.group(help="Data contoh untuk mencoba sistem.")
def demo():
    pass


@demo.command("seed", help="Deploy model dan buat kasus contoh (sekali saja).")
def seed_command():
    created = seed_demo(current_app.config["DUMAS_MODELS_DIR"])
    click.echo(f"{created} kasus contoh dibuat." if created else "Data contoh sudah ada; tidak ada yang diubah.")
