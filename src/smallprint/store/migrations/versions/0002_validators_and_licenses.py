"""Incremental runs and licence queries: each watch's last validator (commit sha / ETag)
and check time; a snapshot's licences as rows, filled from existing snapshots.

Revision ID: 0002_validators_and_licenses
Revises: 0001_snapshots
"""

from __future__ import annotations

import json

import sqlalchemy as sa
from alembic import op

revision = "0002_validators_and_licenses"
down_revision = "0001_snapshots"
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table("watches") as batch:
        batch.add_column(sa.Column("etag", sa.String(256)))
        batch.add_column(sa.Column("last_checked_at", sa.DateTime(timezone=True)))
    op.create_table(
        "snapshot_licenses",
        sa.Column("id", sa.Integer, primary_key=True),
        sa.Column("snapshot_id", sa.Integer, nullable=False),
        sa.Column("license_id", sa.String(128), nullable=False),
        sa.Column("text_sha256", sa.String(64)),
        sa.PrimaryKeyConstraint("id", name="pk_snapshot_licenses"),
        sa.ForeignKeyConstraint(
            ["snapshot_id"], ["snapshots.id"], name="fk_snapshot_licenses_snapshot_id_snapshots"
        ),
    )
    op.create_index("ix_snapshot_licenses_snapshot_id", "snapshot_licenses", ["snapshot_id"])
    op.create_index("ix_snapshot_licenses_license_id", "snapshot_licenses", ["license_id"])
    _backfill()


def _backfill() -> None:
    """Existing snapshots keep their licences: one row per id, with the text hash from the body."""
    conn = op.get_bind()
    snapshots = sa.table(
        "snapshots", sa.column("id", sa.Integer), sa.column("license_ids", sa.String), sa.column("payload_sha256", sa.String)
    )
    payloads = sa.table("payloads", sa.column("sha256", sa.String), sa.column("body", sa.JSON))
    rows = sa.table(
        "snapshot_licenses",
        sa.column("snapshot_id", sa.Integer),
        sa.column("license_id", sa.String),
        sa.column("text_sha256", sa.String),
    )
    query = sa.select(snapshots.c.id, snapshots.c.license_ids, payloads.c.body).join(
        payloads, payloads.c.sha256 == snapshots.c.payload_sha256
    )
    batch: list[dict[str, object]] = []
    for sid, ids, body in conn.execute(query):
        if isinstance(body, str):  # some drivers hand JSON back as text
            body = json.loads(body)
        hashes = {str(lic.get("id")): lic.get("text_sha256") for lic in (body or {}).get("licenses", []) if isinstance(lic, dict)}
        for lid in [i for i in (ids or "").split(",") if i]:
            batch.append({"snapshot_id": sid, "license_id": lid, "text_sha256": hashes.get(lid)})
        if len(batch) >= 1000:
            conn.execute(sa.insert(rows), batch)
            batch = []
    if batch:
        conn.execute(sa.insert(rows), batch)


def downgrade() -> None:
    op.drop_index("ix_snapshot_licenses_license_id", table_name="snapshot_licenses")
    op.drop_index("ix_snapshot_licenses_snapshot_id", table_name="snapshot_licenses")
    op.drop_table("snapshot_licenses")
    with op.batch_alter_table("watches") as batch:
        batch.drop_column("last_checked_at")
        batch.drop_column("etag")
