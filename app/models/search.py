"""The register's search indexes, one row per case (app/services/reporting/search_index.py writes
them). The full-text machinery lives beside them in the database, created by the
migration: on PostgreSQL a generated `tsv` column with a GIN index, on SQLite an FTS5
table `<table>_fts` kept in step by triggers. The models name only the text."""
from sqlalchemy import ForeignKey, Text
from sqlalchemy.orm import Mapped, mapped_column

from app.extensions import Model


class CaseSearchText(Model):
    """What anyone who may see the case may search: title, description, location,
    terlapor and the staff outputs' text, with the complainant's identity blanked."""

    __tablename__ = "case_search"

    case_id: Mapped[int] = mapped_column(ForeignKey("cases.id", ondelete="CASCADE"), primary_key=True)
    body: Mapped[str] = mapped_column(Text, default="")


class CaseIdentitySearch(Model):
    """The complainant's name, NIK, e-mail and phone: consulted only for viewers who may
    see that identity, so a search by them tells nobody else anything."""

    __tablename__ = "case_identity_search"

    case_id: Mapped[int] = mapped_column(ForeignKey("cases.id", ondelete="CASCADE"), primary_key=True)
    terms: Mapped[str] = mapped_column(Text, default="")


def outside_the_models(name: str | None, type_: str, reflected: bool, compare_to) -> bool:
    """The full-text machinery the migration made by hand, which the models do not name:
    SQLite's FTS5 tables (and their shadow tables) and PostgreSQL's generated `tsv`
    columns with their GIN indexes. Autogenerate and the schema test leave it alone."""
    if not reflected or compare_to is not None:
        return False
    return ((type_ == "table" and "_fts" in (name or "")) or (type_ == "column" and name == "tsv")
            or (type_ == "index" and (name or "").endswith("_tsv")))


def include_in_migrations(obj, name, type_, reflected, compare_to) -> bool:
    """Alembic's include_object hook (app/__init__.py, tests/unit/test_migrations.py)."""
    return not outside_the_models(name, type_, reflected, compare_to)
