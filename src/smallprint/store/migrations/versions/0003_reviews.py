"""The review app's tables: users, API tokens, checked models, reviews, decisions,
inventories and the append-only, hash-chained audit trail (database triggers refuse
UPDATE and DELETE on it).

Revision ID: 0003_reviews
Revises: 0002_validators_and_licenses
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0003_reviews"
down_revision = "0002_validators_and_licenses"
branch_labels = None
depends_on = None

SQLITE_GUARDS = (
    "CREATE TRIGGER sp_audit_no_update BEFORE UPDATE ON sp_audit_log "
    "BEGIN SELECT RAISE(ABORT, 'the audit trail is append-only'); END",
    "CREATE TRIGGER sp_audit_no_delete BEFORE DELETE ON sp_audit_log "
    "BEGIN SELECT RAISE(ABORT, 'the audit trail is append-only'); END",
)
POSTGRES_GUARDS = (
    "CREATE OR REPLACE FUNCTION sp_audit_append_only() RETURNS trigger AS $$ "
    "BEGIN RAISE EXCEPTION 'the audit trail is append-only'; END; $$ LANGUAGE plpgsql",
    "CREATE TRIGGER sp_audit_no_change BEFORE UPDATE OR DELETE ON sp_audit_log "
    "FOR EACH ROW EXECUTE FUNCTION sp_audit_append_only()",
)


def _when() -> sa.DateTime:
    return sa.DateTime(timezone=True)


def upgrade() -> None:
    op.create_table(
        "sp_users",
        sa.Column("id", sa.Integer, autoincrement=True, nullable=False),
        sa.Column("username", sa.String(120), nullable=False),
        sa.Column("password_hash", sa.String(255), nullable=False),
        sa.Column("role", sa.String(20), nullable=False),
        sa.Column("active", sa.Boolean, nullable=False),
        sa.Column("created_at", _when(), nullable=False),
        sa.PrimaryKeyConstraint("id", name="pk_sp_users"),
        sa.UniqueConstraint("username", name="uq_sp_users_username"),
    )
    op.create_table(
        "sp_api_tokens",
        sa.Column("id", sa.Integer, autoincrement=True, nullable=False),
        sa.Column("user_id", sa.Integer, nullable=False),
        sa.Column("name", sa.String(120), nullable=False),
        sa.Column("token_hash", sa.String(64), nullable=False),
        sa.Column("created_at", _when(), nullable=False),
        sa.Column("revoked", sa.Boolean, nullable=False),
        sa.PrimaryKeyConstraint("id", name="pk_sp_api_tokens"),
        sa.UniqueConstraint("token_hash", name="uq_sp_api_tokens_token_hash"),
        sa.ForeignKeyConstraint(["user_id"], ["sp_users.id"], name="fk_sp_api_tokens_user_id_sp_users"),
    )
    op.create_table(
        "sp_checked_models",
        sa.Column("id", sa.Integer, autoincrement=True, nullable=False),
        sa.Column("model_id", sa.String(400), nullable=False),
        sa.Column("revision", sa.String(200), nullable=False),
        sa.Column("profile", sa.String(200), nullable=False),
        sa.Column("licenses", sa.String(400), nullable=False),
        sa.Column("text_hash", sa.String(64), nullable=False),
        sa.Column("verdict", sa.String(40), nullable=True),
        sa.Column("result", sa.JSON, nullable=False),
        sa.Column("report_html", sa.Text, nullable=False),
        sa.Column("checked_at", _when(), nullable=False),
        sa.Column("checked_by", sa.String(120), nullable=False),
        sa.PrimaryKeyConstraint("id", name="pk_sp_checked_models"),
        sa.UniqueConstraint("model_id", "revision", "profile", name="uq_sp_checked_model"),
    )
    op.create_index("ix_sp_checked_models_model", "sp_checked_models", ["model_id"])
    op.create_table(
        "sp_reviews",
        sa.Column("id", sa.Integer, autoincrement=True, nullable=False),
        sa.Column("model_id", sa.String(400), nullable=False),
        sa.Column("revision", sa.String(200), nullable=False),
        sa.Column("text_hash", sa.String(64), nullable=False),
        sa.Column("profile", sa.String(200), nullable=False),
        sa.Column("licenses", sa.String(400), nullable=False),
        sa.Column("state", sa.String(30), nullable=False),
        sa.Column("reason", sa.Text, nullable=False),
        sa.Column("public_note", sa.Text, nullable=False),
        sa.Column("private_comment", sa.Text, nullable=False),
        sa.Column("duties", sa.JSON, nullable=False),
        sa.Column("expires", sa.Date, nullable=True),
        sa.Column("reviewer", sa.String(120), nullable=True),
        sa.Column("decided_at", _when(), nullable=True),
        sa.Column("created_at", _when(), nullable=False),
        sa.Column("reopened_because", sa.Text, nullable=False),
        sa.PrimaryKeyConstraint("id", name="pk_sp_reviews"),
        sa.UniqueConstraint("model_id", "revision", "text_hash", "profile", name="uq_sp_review_key"),
    )
    op.create_index("ix_sp_reviews_model", "sp_reviews", ["model_id"])
    op.create_index("ix_sp_reviews_state", "sp_reviews", ["state"])
    op.create_table(
        "sp_decisions",
        sa.Column("id", sa.Integer, autoincrement=True, nullable=False),
        sa.Column("review_id", sa.Integer, nullable=False),
        sa.Column("state", sa.String(30), nullable=False),
        sa.Column("reason", sa.Text, nullable=False),
        sa.Column("public_note", sa.Text, nullable=False),
        sa.Column("private_comment", sa.Text, nullable=False),
        sa.Column("duties", sa.JSON, nullable=False),
        sa.Column("expires", sa.Date, nullable=True),
        sa.Column("reviewer", sa.String(120), nullable=False),
        sa.Column("decided_at", _when(), nullable=False),
        sa.PrimaryKeyConstraint("id", name="pk_sp_decisions"),
        sa.ForeignKeyConstraint(["review_id"], ["sp_reviews.id"], name="fk_sp_decisions_review_id_sp_reviews"),
    )
    op.create_index("ix_sp_decisions_review", "sp_decisions", ["review_id"])
    op.create_table(
        "sp_inventories",
        sa.Column("id", sa.Integer, autoincrement=True, nullable=False),
        sa.Column("name", sa.String(200), nullable=False),
        sa.Column("text", sa.Text, nullable=False),
        sa.Column("results", sa.JSON, nullable=False),
        sa.Column("uploaded_by", sa.String(120), nullable=False),
        sa.Column("uploaded_at", _when(), nullable=False),
        sa.PrimaryKeyConstraint("id", name="pk_sp_inventories"),
        sa.UniqueConstraint("name", name="uq_sp_inventories_name"),
    )
    op.create_table(
        "sp_audit_log",
        sa.Column("seq", sa.Integer, autoincrement=False, nullable=False),
        sa.Column("at", _when(), nullable=False),
        sa.Column("actor", sa.String(120), nullable=False),
        sa.Column("action", sa.String(60), nullable=False),
        sa.Column("object_type", sa.String(40), nullable=False),
        sa.Column("object_id", sa.String(400), nullable=False),
        sa.Column("before", sa.JSON, nullable=True),
        sa.Column("after", sa.JSON, nullable=True),
        sa.Column("prev_hash", sa.String(64), nullable=False),
        sa.Column("hash", sa.String(64), nullable=False),
        sa.PrimaryKeyConstraint("seq", name="pk_sp_audit_log"),
    )
    op.create_index("ix_sp_audit_object", "sp_audit_log", ["object_type", "object_id"])
    guards = POSTGRES_GUARDS if op.get_bind().dialect.name == "postgresql" else SQLITE_GUARDS
    for stmt in guards:
        op.execute(stmt)


def downgrade() -> None:
    if op.get_bind().dialect.name == "postgresql":
        op.execute("DROP TRIGGER IF EXISTS sp_audit_no_change ON sp_audit_log")
        op.execute("DROP FUNCTION IF EXISTS sp_audit_append_only()")
    else:
        op.execute("DROP TRIGGER IF EXISTS sp_audit_no_update")
        op.execute("DROP TRIGGER IF EXISTS sp_audit_no_delete")
    for ix, table in (("ix_sp_audit_object", "sp_audit_log"), ("ix_sp_decisions_review", "sp_decisions"),
                      ("ix_sp_reviews_state", "sp_reviews"), ("ix_sp_reviews_model", "sp_reviews"),
                      ("ix_sp_checked_models_model", "sp_checked_models")):
        op.drop_index(ix, table_name=table)
    for table in ("sp_audit_log", "sp_inventories", "sp_decisions", "sp_reviews", "sp_checked_models",
                  "sp_api_tokens", "sp_users"):
        op.drop_table(table)
