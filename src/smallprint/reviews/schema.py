"""The review tables: users, API tokens, checked models, reviews, decisions, the audit trail.

SQLAlchemy Core tables on the store's `Base.metadata` (one schema, one naming convention),
created by the store's Alembic revision `0003_reviews` (store/migrations/versions), which
builds exactly these tables, indexes and the audit trail's append-only triggers.
"""

from __future__ import annotations

from sqlalchemy import (
    JSON,
    Boolean,
    Column,
    Date,
    ForeignKey,
    Index,
    Integer,
    String,
    Table,
    Text,
    UniqueConstraint,
)

from smallprint.store.models import Base, UTCDateTime

metadata = Base.metadata

ROLES = ("viewer", "reviewer", "approver", "admin")

users = Table(
    "sp_users",
    metadata,
    Column("id", Integer, primary_key=True, autoincrement=True),
    Column("username", String(120), nullable=False, unique=True),
    Column("password_hash", String(255), nullable=False),
    Column("role", String(20), nullable=False),
    Column("active", Boolean, nullable=False, default=True),
    Column("created_at", UTCDateTime, nullable=False),
)

api_tokens = Table(
    "sp_api_tokens",
    metadata,
    Column("id", Integer, primary_key=True, autoincrement=True),
    Column("user_id", Integer, ForeignKey("sp_users.id"), nullable=False),
    Column("name", String(120), nullable=False),
    Column("token_hash", String(64), nullable=False, unique=True),  # sha256 of the secret
    Column("created_at", UTCDateTime, nullable=False),
    Column("revoked", Boolean, nullable=False, default=False),
)

checked_models = Table(
    "sp_checked_models",
    metadata,
    Column("id", Integer, primary_key=True, autoincrement=True),
    Column("model_id", String(400), nullable=False),
    Column("revision", String(200), nullable=False, default=""),
    Column("profile", String(200), nullable=False, default=""),
    Column("licenses", String(400), nullable=False, default=""),  # comma-separated licence ids
    Column("text_hash", String(64), nullable=False, default=""),
    Column("verdict", String(40), nullable=True),
    Column("result", JSON, nullable=False),  # smallprint/check/1 result
    Column("report_html", Text, nullable=False),  # the HTML reporter's body for this result
    Column("checked_at", UTCDateTime, nullable=False),
    Column("checked_by", String(120), nullable=False),
    UniqueConstraint("model_id", "revision", "profile", name="uq_sp_checked_model"),
)
Index("ix_sp_checked_models_model", checked_models.c.model_id)

reviews = Table(
    "sp_reviews",
    metadata,
    Column("id", Integer, primary_key=True, autoincrement=True),
    Column("model_id", String(400), nullable=False),
    Column("revision", String(200), nullable=False, default=""),
    Column("text_hash", String(64), nullable=False, default=""),
    Column("profile", String(200), nullable=False, default=""),
    Column("licenses", String(400), nullable=False, default=""),
    Column("state", String(30), nullable=False),
    Column("reason", Text, nullable=False, default=""),
    Column("public_note", Text, nullable=False, default=""),
    Column("private_comment", Text, nullable=False, default=""),
    Column("duties", JSON, nullable=False),  # [{"duty": str, "done": bool}]
    Column("expires", Date, nullable=True),
    Column("reviewer", String(120), nullable=True),
    Column("decided_at", UTCDateTime, nullable=True),
    Column("created_at", UTCDateTime, nullable=False),
    Column("reopened_because", Text, nullable=False, default=""),
    UniqueConstraint("model_id", "revision", "text_hash", "profile", name="uq_sp_review_key"),
)
Index("ix_sp_reviews_model", reviews.c.model_id)
Index("ix_sp_reviews_state", reviews.c.state)

decisions = Table(
    "sp_decisions",
    metadata,
    Column("id", Integer, primary_key=True, autoincrement=True),
    Column("review_id", Integer, ForeignKey("sp_reviews.id"), nullable=False),
    Column("state", String(30), nullable=False),
    Column("reason", Text, nullable=False, default=""),
    Column("public_note", Text, nullable=False, default=""),
    Column("private_comment", Text, nullable=False, default=""),
    Column("duties", JSON, nullable=False),
    Column("expires", Date, nullable=True),
    Column("reviewer", String(120), nullable=False),
    Column("decided_at", UTCDateTime, nullable=False),
)
Index("ix_sp_decisions_review", decisions.c.review_id)

inventories = Table(
    "sp_inventories",
    metadata,
    Column("id", Integer, primary_key=True, autoincrement=True),
    Column("name", String(200), nullable=False, unique=True),
    Column("text", Text, nullable=False),
    Column("results", JSON, nullable=False),  # [{"product", "model", "profile", "verdict", "licenses"}]
    Column("uploaded_by", String(120), nullable=False),
    Column("uploaded_at", UTCDateTime, nullable=False),
)

audit_log = Table(
    "sp_audit_log",
    metadata,
    Column("seq", Integer, primary_key=True, autoincrement=False),  # 1, 2, 3 ... no gaps
    Column("at", UTCDateTime, nullable=False),
    Column("actor", String(120), nullable=False),
    Column("action", String(60), nullable=False),
    Column("object_type", String(40), nullable=False),
    Column("object_id", String(400), nullable=False),
    Column("before", JSON, nullable=True),
    Column("after", JSON, nullable=True),
    Column("prev_hash", String(64), nullable=False),
    Column("hash", String(64), nullable=False),
)
Index("ix_sp_audit_object", audit_log.c.object_type, audit_log.c.object_id)

# Append-only: the database itself refuses UPDATE and DELETE on sp_audit_log (triggers created
# by the 0003_reviews migration).

REVIEW_TABLES = (users, api_tokens, checked_models, reviews, decisions, inventories, audit_log)
