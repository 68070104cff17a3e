"""The watch: watched models, runs, append-only snapshots, their bodies and licence texts.

Revision ID: 0001_snapshots
Revises:
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0001_snapshots"
down_revision = None
branch_labels = None
depends_on = None

TS = sa.DateTime(timezone=True)


def upgrade() -> None:
    op.create_table(
        "watches",
        sa.Column("id", sa.Integer, primary_key=True),
        sa.Column("target", sa.String(1024), nullable=False),
        sa.Column("kind", sa.String(16), nullable=False),
        sa.Column("profiles", sa.JSON, nullable=False),
        sa.Column("inventory", sa.String(1024)),
        sa.Column("product", sa.String(256)),
        sa.Column("added_at", TS, nullable=False),
        sa.PrimaryKeyConstraint("id", name="pk_watches"),
        sa.UniqueConstraint("target", name="uq_watches_target"),
    )
    op.create_table(
        "runs",
        sa.Column("id", sa.Integer, primary_key=True),
        sa.Column("started_at", TS, nullable=False),
        sa.Column("finished_at", TS),
        sa.Column("status", sa.String(16), nullable=False),
        sa.Column("host", sa.String(255), nullable=False),
        sa.Column("pid", sa.Integer, nullable=False),
        sa.Column("offline", sa.Boolean, nullable=False),
        sa.Column("kb_version", sa.String(64), nullable=False),
        sa.Column("models", sa.Integer, nullable=False),
        sa.Column("changes", sa.Integer, nullable=False),
        sa.Column("note", sa.Text),
        sa.PrimaryKeyConstraint("id", name="pk_runs"),
    )
    op.create_table(
        "payloads",
        sa.Column("sha256", sa.String(64), nullable=False),
        sa.Column("body", sa.JSON, nullable=False),
        sa.PrimaryKeyConstraint("sha256", name="pk_payloads"),
    )
    op.create_table(
        "license_texts",
        sa.Column("sha256", sa.String(64), nullable=False),
        sa.Column("text", sa.Text, nullable=False),
        sa.PrimaryKeyConstraint("sha256", name="pk_license_texts"),
    )
    op.create_table(
        "snapshots",
        sa.Column("id", sa.Integer, primary_key=True),
        sa.Column("run_id", sa.Integer, nullable=False),
        sa.Column("target", sa.String(1024), nullable=False),
        sa.Column("taken_at", TS, nullable=False),
        sa.Column("status", sa.String(16), nullable=False),
        sa.Column("revision", sa.String(128)),
        sa.Column("card_sha256", sa.String(64)),
        sa.Column("gated", sa.String(16)),
        sa.Column("new_version", sa.String(512)),
        sa.Column("kb_version", sa.String(64), nullable=False),
        sa.Column("license_ids", sa.String(1024), nullable=False),
        sa.Column("payload_sha256", sa.String(64), nullable=False),
        sa.Column("error", sa.Text),
        sa.PrimaryKeyConstraint("id", name="pk_snapshots"),
        sa.ForeignKeyConstraint(["run_id"], ["runs.id"], name="fk_snapshots_run_id_runs"),
        sa.ForeignKeyConstraint(["payload_sha256"], ["payloads.sha256"], name="fk_snapshots_payload_sha256_payloads"),
        sa.UniqueConstraint("run_id", "target", name="uq_snapshots_run_target"),
    )
    op.create_index("ix_snapshots_target_id", "snapshots", ["target", "id"])
    op.create_table(
        "run_lock",
        sa.Column("name", sa.String(64), nullable=False),
        sa.Column("run_id", sa.Integer),
        sa.Column("holder", sa.String(255), nullable=False),
        sa.Column("acquired_at", TS, nullable=False),
        sa.Column("expires_at", TS, nullable=False),
        sa.PrimaryKeyConstraint("name", name="pk_run_lock"),
    )


def downgrade() -> None:
    op.drop_table("run_lock")
    op.drop_index("ix_snapshots_target_id", table_name="snapshots")
    op.drop_table("snapshots")
    op.drop_table("license_texts")
    op.drop_table("payloads")
    op.drop_table("runs")
    op.drop_table("watches")
