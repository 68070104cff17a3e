"""The review tables come from the store's migration 0003_reviews, exactly as declared."""

from __future__ import annotations

import pytest
from sqlalchemy import inspect

from smallprint.reviews.schema import REVIEW_TABLES
from smallprint.store import open_store


def test_migration_builds_exactly_the_review_tables(store_url: str) -> None:
    from alembic.autogenerate import compare_metadata
    from alembic.migration import MigrationContext

    from smallprint.store.models import Base

    store = open_store(store_url)
    try:
        with store.engine.connect() as conn:
            ctx = MigrationContext.configure(conn, opts={"compare_type": False})
            diffs = [d for d in compare_metadata(ctx, Base.metadata) if not (isinstance(d, tuple) and d[0] == "remove_table")]
        assert diffs == []
        names = set(inspect(store.engine).get_table_names())
        assert {t.name for t in REVIEW_TABLES} <= names
    finally:
        store.close()


def test_downgrade_removes_the_review_tables_and_upgrade_restores_them(sqlite_url: str) -> None:
    from alembic import command

    from smallprint.store import upgrade
    from smallprint.store.engine import _alembic_config

    store = open_store(sqlite_url)
    try:
        with store.engine.begin() as conn:
            command.downgrade(_alembic_config(conn), "0002_validators_and_licenses")
        assert "sp_audit_log" not in inspect(store.engine).get_table_names()
        upgrade(store.engine)
        assert "sp_audit_log" in inspect(store.engine).get_table_names()
    finally:
        store.close()


pytestmark = pytest.mark.filterwarnings("ignore::DeprecationWarning")
