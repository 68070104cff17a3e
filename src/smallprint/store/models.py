"""The store's tables as typed SQLAlchemy 2 models (the schema at head).

The migrations in `migrations/versions/` build exactly this schema; a test compares the
two on both back ends. Other features declare their tables on the same `Base`.
"""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Any

from sqlalchemy import (
    JSON,
    Boolean,
    DateTime,
    ForeignKey,
    Index,
    Integer,
    MetaData,
    String,
    Text,
    TypeDecorator,
    UniqueConstraint,
)
from sqlalchemy.orm import DeclarativeBase, Mapped, mapped_column, relationship

NAMING = {
    "ix": "ix_%(column_0_label)s",
    "uq": "uq_%(table_name)s_%(column_0_name)s",
    "ck": "ck_%(table_name)s_%(constraint_name)s",
    "fk": "fk_%(table_name)s_%(column_0_name)s_%(referred_table_name)s",
    "pk": "pk_%(table_name)s",
}


class UTCDateTime(TypeDecorator[datetime]):
    """Aware UTC datetimes on every back end (SQLite keeps no time zone)."""

    impl = DateTime(timezone=True)
    cache_ok = True

    def process_bind_param(self, value: datetime | None, dialect: Any) -> datetime | None:
        if value is None:
            return None
        if value.tzinfo is None:
            value = value.replace(tzinfo=UTC)
        return value.astimezone(UTC)

    def process_result_value(self, value: datetime | None, dialect: Any) -> datetime | None:
        if value is None:
            return None
        return value.replace(tzinfo=UTC) if value.tzinfo is None else value.astimezone(UTC)


def utcnow() -> datetime:
    return datetime.now(UTC)


class Base(DeclarativeBase):
    metadata = MetaData(naming_convention=NAMING)


class Watch(Base):
    """A model under watch: what to check, under which profiles."""

    __tablename__ = "watches"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    target: Mapped[str] = mapped_column(String(1024), unique=True)
    kind: Mapped[str] = mapped_column(String(16))  # hub | path | other
    profiles: Mapped[list[dict[str, Any]]] = mapped_column(JSON, default=list)  # [{label, spec | profile}]
    inventory: Mapped[str | None] = mapped_column(String(1024))
    product: Mapped[str | None] = mapped_column(String(256))
    added_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    # revision 0002: the validator of the last read (Hub commit sha / ETag, or a local content hash)
    etag: Mapped[str | None] = mapped_column(String(256))
    last_checked_at: Mapped[datetime | None] = mapped_column(UTCDateTime)


class Run(Base):
    """One `watch run`: running, complete, interrupted (killed) or failed."""

    __tablename__ = "runs"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    started_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    finished_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    status: Mapped[str] = mapped_column(String(16), default="running")
    host: Mapped[str] = mapped_column(String(255), default="")
    pid: Mapped[int] = mapped_column(Integer, default=0)
    offline: Mapped[bool] = mapped_column(Boolean, default=False)
    kb_version: Mapped[str] = mapped_column(String(64), default="")
    models: Mapped[int] = mapped_column(Integer, default=0)
    changes: Mapped[int] = mapped_column(Integer, default=0)
    note: Mapped[str | None] = mapped_column(Text)

    snapshots: Mapped[list[Snapshot]] = relationship(back_populates="run")


class Payload(Base):
    """A snapshot's body (licences, terms, lineage, findings, verdicts), stored once per content."""

    __tablename__ = "payloads"

    sha256: Mapped[str] = mapped_column(String(64), primary_key=True)
    body: Mapped[dict[str, Any]] = mapped_column(JSON)


class LicenseText(Base):
    """A licence text seen in a snapshot, by sha256, so a later change can be shown clause by clause."""

    __tablename__ = "license_texts"

    sha256: Mapped[str] = mapped_column(String(64), primary_key=True)
    text: Mapped[str] = mapped_column(Text)


class Snapshot(Base):
    """What one run saw of one model. Append-only: never updated, never deleted."""

    __tablename__ = "snapshots"
    __table_args__ = (
        UniqueConstraint("run_id", "target", name="uq_snapshots_run_target"),
        Index("ix_snapshots_target_id", "target", "id"),
    )

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    run_id: Mapped[int] = mapped_column(ForeignKey("runs.id"))
    target: Mapped[str] = mapped_column(String(1024))
    taken_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    status: Mapped[str] = mapped_column(String(16))  # ok | gone | error
    revision: Mapped[str | None] = mapped_column(String(128))
    card_sha256: Mapped[str | None] = mapped_column(String(64))
    gated: Mapped[str | None] = mapped_column(String(16))  # "false" | "auto" | "manual" | "true"; None unknown
    new_version: Mapped[str | None] = mapped_column(String(512))
    kb_version: Mapped[str] = mapped_column(String(64))
    license_ids: Mapped[str] = mapped_column(String(1024), default="")  # comma-joined, best first
    payload_sha256: Mapped[str] = mapped_column(ForeignKey("payloads.sha256"))
    error: Mapped[str | None] = mapped_column(Text)

    run: Mapped[Run] = relationship(back_populates="snapshots")
    payload: Mapped[Payload] = relationship()
    licenses: Mapped[list[SnapshotLicense]] = relationship(back_populates="snapshot", order_by="SnapshotLicense.id")


class SnapshotLicense(Base):
    """Revision 0002: a snapshot's licences as rows (which models are under licence X, and when)."""

    __tablename__ = "snapshot_licenses"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    snapshot_id: Mapped[int] = mapped_column(ForeignKey("snapshots.id"), index=True)
    license_id: Mapped[str] = mapped_column(String(128), index=True)
    text_sha256: Mapped[str | None] = mapped_column(String(64))

    snapshot: Mapped[Snapshot] = relationship(back_populates="licenses")


class RunLock(Base):
    """A lease: one `watch run` records at a time; a holder that died is taken over."""

    __tablename__ = "run_lock"

    name: Mapped[str] = mapped_column(String(64), primary_key=True)
    run_id: Mapped[int | None] = mapped_column(Integer)
    holder: Mapped[str] = mapped_column(String(255))  # host:pid
    acquired_at: Mapped[datetime] = mapped_column(UTCDateTime)
    expires_at: Mapped[datetime] = mapped_column(UTCDateTime)
