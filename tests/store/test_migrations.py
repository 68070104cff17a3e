"""The schema migrations: one line of revisions, data kept across upgrades, models == migrations."""

from __future__ import annotations

import json

import pytest
from sqlalchemy import text

from smallprint.store import current_revision, head_revision, open_store, upgrade
from smallprint.store.engine import _alembic_config
from smallprint.store.models import Base

FIRST = "0001_snapshots"


def test_revisions_form_one_line() -> None:
    from alembic.script import ScriptDirectory

    script = ScriptDirectory.from_config(_alembic_config())
    assert len(script.get_heads()) == 1, "two features branched from the same revision: re-point one down_revision"
    revs = list(script.walk_revisions())
    assert revs[-1].revision == FIRST and revs[-1].down_revision is None
    assert len(revs) >= 2


def _write_first_revision_data(conn) -> None:  # type: ignore[no-untyped-def]
    body = {"licenses": [{"id": "llama3.1", "text_sha256": "ab" * 32}, {"id": "apache-2.0", "text_sha256": None}]}
    conn.execute(
        text(
            "INSERT INTO watches (id, target, kind, profiles, inventory, product, added_at) "
            "VALUES (1, 'acme/bot', 'hub', :p, NULL, NULL, :t)"
        ),
        {"p": json.dumps(["commercial-saas"]), "t": "2026-01-01 00:00:00+00:00"},
    )
    conn.execute(
        text(
            "INSERT INTO runs (id, started_at, finished_at, status, host, pid, offline, kb_version, models, changes) "
            "VALUES (1, :t, :t, 'complete', 'h', 1, false, 'kb1', 1, 0)"
        ),
        {"t": "2026-01-01 00:00:00+00:00"},
    )
    conn.execute(text("INSERT INTO payloads (sha256, body) VALUES ('p1', :b)"), {"b": json.dumps(body)})
    conn.execute(text("INSERT INTO license_texts (sha256, text) VALUES (:h, 'LLAMA 3.1 TEXT')"), {"h": "ab" * 32})
    conn.execute(
        text(
            "INSERT INTO snapshots (id, run_id, target, taken_at, status, revision, card_sha256, gated, new_version, "
            "kb_version, license_ids, payload_sha256, error) VALUES (1, 1, 'acme/bot', :t, 'ok', 'c0ffee', 'cd', "
            "'false', NULL, 'kb1', 'llama3.1,apache-2.0', 'p1', NULL)"
        ),
        {"t": "2026-01-01 00:00:00+00:00"},
    )


def test_upgrade_from_first_revision_keeps_data(store_url: str) -> None:
    store = open_store(store_url, migrate=False)
    try:
        upgrade(store.engine, FIRST)
        assert current_revision(store.engine) == FIRST
        with store.engine.begin() as conn:
            _write_first_revision_data(conn)
        store.close()
        store = open_store(store_url)  # upgrades to head
        assert current_revision(store.engine) == head_revision()
        with store.engine.connect() as conn:
            snap = conn.execute(text("SELECT target, revision, license_ids, payload_sha256 FROM snapshots")).one()
            assert tuple(snap) == ("acme/bot", "c0ffee", "llama3.1,apache-2.0", "p1")
            assert conn.execute(text("SELECT text FROM license_texts")).scalar_one() == "LLAMA 3.1 TEXT"
            watch = conn.execute(text("SELECT target, etag, last_checked_at FROM watches")).one()
            assert tuple(watch) == ("acme/bot", None, None)
            rows = conn.execute(
                text("SELECT snapshot_id, license_id, text_sha256 FROM snapshot_licenses ORDER BY id")
            ).all()
            assert [tuple(r) for r in rows] == [(1, "llama3.1", "ab" * 32), (1, "apache-2.0", None)]
    finally:
        store.close()


def test_head_schema_matches_the_models(store_url: str) -> None:
    from alembic.autogenerate import compare_metadata
    from alembic.migration import MigrationContext

    store = open_store(store_url)
    try:
        with store.engine.connect() as conn:
            ctx = MigrationContext.configure(conn, opts={"compare_type": False})
            diffs = [d for d in compare_metadata(ctx, Base.metadata) if not _foreign_table(d)]
        assert diffs == []
    finally:
        store.close()


def _foreign_table(diff: object) -> bool:
    """Tables (and their indexes) that other features add in their own revisions, declared
    outside this metadata, are theirs to compare."""
    if not isinstance(diff, tuple) or len(diff) < 2:
        return False
    element = diff[1]
    table = element if diff[0] in ("remove_table", "add_table") else getattr(element, "table", None)
    name = getattr(table, "name", None)
    return name is not None and name not in Base.metadata.tables


def test_downgrade_to_first_and_back(sqlite_url: str) -> None:
    from alembic import command

    store = open_store(sqlite_url)
    with store.engine.begin() as conn:
        command.downgrade(_alembic_config(conn), FIRST)
    assert current_revision(store.engine) == FIRST
    store.close()
    store = open_store(sqlite_url)
    assert current_revision(store.engine) == head_revision()
    store.close()


@pytest.mark.parametrize("revision", [FIRST])
def test_a_store_newer_than_this_code_is_refused(sqlite_url: str, revision: str) -> None:
    from smallprint.store import StoreError

    store = open_store(sqlite_url)
    with store.engine.begin() as conn:
        conn.execute(text("UPDATE alembic_version SET version_num = '9999_from_the_future'"))
    store.close()
    with pytest.raises(StoreError, match="newer than this smallprint"):
        open_store(sqlite_url)
