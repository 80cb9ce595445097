"""The schema comes only from migrations; they must describe exactly the models."""
import pytest
from alembic.autogenerate import compare_metadata
from alembic.migration import MigrationContext

from app.extensions import db
from app.models.search import include_in_migrations


@pytest.mark.committed
def test_migrations_create_exactly_the_models(app_context):
    with db.engine.connect() as connection:
        context = MigrationContext.configure(
            connection, opts={"compare_type": True, "include_object": include_in_migrations})
        differences = compare_metadata(context, db.metadata)
    assert differences == []
