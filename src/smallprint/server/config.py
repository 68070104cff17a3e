"""Server settings: where the data lives, which database, how big an upload may be."""

from __future__ import annotations

import os
import secrets
from dataclasses import dataclass
from pathlib import Path

DEFAULT_MAX_UPLOAD = 50 * 1024 * 1024
LOOPBACK = ("127.0.0.1", "::1", "localhost")


def default_data_dir() -> Path:
    """`$SMALLPRINT_DATA` or the platform's user data folder (platformdirs)."""
    env = os.environ.get("SMALLPRINT_DATA")
    if env:
        return Path(env).expanduser()
    from platformdirs import user_data_dir

    return Path(user_data_dir("smallprint", appauthor=False))


@dataclass(frozen=True)
class ServerConfig:
    data_dir: Path
    db: str | None = None  # None: the embedded SQLite store in data_dir
    offline: bool = False
    policy: Path | None = None
    max_upload: int = DEFAULT_MAX_UPLOAD
    secure_cookies: bool = False  # True behind HTTPS; loopback HTTP cannot carry Secure cookies
    secret_key: str | None = None
    session_hours: int = 12

    def db_spec(self) -> str:
        """--db, else $SMALLPRINT_DB, else the store file in the data folder (the store's
        default location when no data folder is given)."""
        return self.db or os.environ.get("SMALLPRINT_DB") or str(self.data_dir / "smallprint.db")

    def key(self) -> str:
        """The cookie-signing key: given, `$SMALLPRINT_SECRET_KEY`, or one kept in the data
        folder (created once, readable by the owner only) so sessions survive a restart."""
        if self.secret_key:
            return self.secret_key
        env = os.environ.get("SMALLPRINT_SECRET_KEY")
        if env:
            return env
        path = self.data_dir / "secret.key"
        if path.is_file():
            return path.read_text(encoding="utf-8").strip()
        self.data_dir.mkdir(parents=True, exist_ok=True)
        key = secrets.token_urlsafe(48)
        fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
        with os.fdopen(fd, "w", encoding="utf-8") as fh:
            fh.write(key)
        return key
