"""Users, roles, API tokens, sessions and CSRF.

Passwords are hashed with argon2 (argon2-cffi); API tokens are random secrets shown once
and stored as SHA-256 hashes (they are long random values, so a fast hash is enough and a
lookup stays one indexed query). Browser sessions live in a signed cookie (Starlette's
SessionMiddleware, itsdangerous); every form carries the session's CSRF token and every
cookie-authenticated API write carries it in the X-CSRF-Token header.
"""

from __future__ import annotations

import hashlib
import hmac
import secrets
from dataclasses import dataclass
from typing import Any

from argon2 import PasswordHasher
from argon2.exceptions import InvalidHashError, VerificationError
from fastapi import HTTPException, Request
from sqlalchemy import select
from sqlalchemy.engine import Connection, Engine

from smallprint.errors import InputError
from smallprint.reviews import audit
from smallprint.reviews.schema import ROLES, api_tokens, users
from smallprint.reviews.service import has_role, write

MIN_PASSWORD = 10
TOKEN_PREFIX = "sp_"
_HASHER = PasswordHasher()
# a hash to verify against when the user does not exist, so timing does not tell
_DUMMY_HASH = _HASHER.hash("not a password of anyone")


@dataclass(frozen=True)
class User:
    id: int
    username: str
    role: str
    via: str  # session | token

    def can(self, role: str) -> bool:
        return has_role(self.role, role)


def _check_new(username: str, password: str, role: str) -> None:
    if role not in ROLES:
        raise InputError(f"unknown role {role!r} (one of {', '.join(ROLES)})")
    if not username.strip() or len(username) > 120:
        raise InputError("a user name is 1 to 120 characters")
    if len(password) < MIN_PASSWORD:
        raise InputError(f"a password needs at least {MIN_PASSWORD} characters")


def create_user(engine: Engine, username: str, password: str, role: str, actor: str) -> int:
    """Add a user (audited); InputError when the name is taken or the password too short."""
    _check_new(username, password, role)
    username = username.strip()
    pw_hash = _HASHER.hash(password)

    def tx(conn: Connection) -> int:
        if conn.execute(select(users.c.id).where(users.c.username == username)).first():
            raise InputError(f"user {username!r} already exists")
        at = audit.now()
        uid = int(conn.execute(users.insert().values(
            username=username, password_hash=pw_hash, role=role, active=True, created_at=at,
        )).inserted_primary_key[0])  # type: ignore[index]
        audit.append(conn, actor, "user-created", "user", username, None, {"username": username, "role": role}, at)
        return uid

    return write(engine, tx)


def ensure_admin(engine: Engine, username: str, password: str) -> bool:
    """Create the first admin unless a user of that name exists; True when created."""
    with engine.connect() as conn:
        if conn.execute(select(users.c.id).where(users.c.username == username.strip())).first():
            return False
    create_user(engine, username, password, "admin", actor="setup")
    return True


def set_role(engine: Engine, username: str, role: str, actor: str) -> None:
    if role not in ROLES:
        raise InputError(f"unknown role {role!r}")

    def tx(conn: Connection) -> None:
        row = conn.execute(select(users).where(users.c.username == username)).mappings().first()
        if row is None:
            raise InputError(f"no user {username!r}")
        conn.execute(users.update().where(users.c.id == row["id"]).values(role=role))
        audit.append(conn, actor, "role-changed", "user", username, {"role": row["role"]}, {"role": role})

    write(engine, tx)


def authenticate(engine: Engine, username: str, password: str) -> User | None:
    with engine.connect() as conn:
        row = conn.execute(select(users).where(users.c.username == username, users.c.active.is_(True))).mappings().first()
    try:
        _HASHER.verify(row["password_hash"] if row else _DUMMY_HASH, password)
    except (VerificationError, InvalidHashError):
        return None
    if row is None:
        return None
    return User(int(row["id"]), row["username"], row["role"], "session")


def _token_hash(secret: str) -> str:
    return hashlib.sha256(secret.encode("utf-8")).hexdigest()


def create_token(engine: Engine, user: User, name: str) -> str:
    """A new API token for `user` (for CI); the secret is returned once and stored hashed."""
    name = (name or "token").strip()[:120] or "token"
    secret = TOKEN_PREFIX + secrets.token_urlsafe(32)

    def tx(conn: Connection) -> None:
        at = audit.now()
        conn.execute(api_tokens.insert().values(user_id=user.id, name=name, token_hash=_token_hash(secret),
                                                created_at=at, revoked=False))
        audit.append(conn, user.username, "token-created", "user", user.username, None, {"token": name}, at)

    write(engine, tx)
    return secret


def user_for_token(engine: Engine, secret: str) -> User | None:
    with engine.connect() as conn:
        row = conn.execute(
            select(users.c.id, users.c.username, users.c.role)
            .join(api_tokens, api_tokens.c.user_id == users.c.id)
            .where(api_tokens.c.token_hash == _token_hash(secret), api_tokens.c.revoked.is_(False),
                   users.c.active.is_(True))
        ).first()
    return None if row is None else User(int(row.id), row.username, row.role, "token")


def user_by_id(engine: Engine, uid: int) -> User | None:
    with engine.connect() as conn:
        row = conn.execute(select(users).where(users.c.id == uid, users.c.active.is_(True))).mappings().first()
    return None if row is None else User(int(row["id"]), row["username"], row["role"], "session")


def list_users(engine: Engine) -> list[dict[str, Any]]:
    with engine.connect() as conn:
        rows = conn.execute(select(users.c.username, users.c.role, users.c.active).order_by(users.c.username)).all()
    return [{"username": r.username, "role": r.role, "active": bool(r.active)} for r in rows]


# -- request side ------------------------------------------------------------------------


def current_user(request: Request) -> User | None:
    """The user behind a request: an API token (Authorization: Bearer) or the session cookie."""
    if hasattr(request.state, "user"):
        return request.state.user  # type: ignore[no-any-return]
    engine = request.app.state.engine
    user: User | None = None
    authz = request.headers.get("authorization", "")
    if authz.lower().startswith("bearer "):
        user = user_for_token(engine, authz[7:].strip())
    else:
        uid = request.session.get("uid")
        if isinstance(uid, int):
            user = user_by_id(engine, uid)
    request.state.user = user
    return user


def require(request: Request, role: str = "viewer") -> User:
    """401 without a login, 403 with a role below `role`."""
    user = current_user(request)
    if user is None:
        raise HTTPException(401, "login required", headers={"WWW-Authenticate": "Bearer"})
    if not user.can(role):
        raise HTTPException(403, f"needs the {role} role")
    return user


def csrf_token(request: Request) -> str:
    tok = request.session.get("csrf")
    if not isinstance(tok, str):
        tok = secrets.token_urlsafe(32)
        request.session["csrf"] = tok
    return tok


def check_csrf(request: Request, submitted: str | None) -> None:
    """Refuse a state-changing request whose CSRF token is missing or wrong (403).

    Token-authenticated API calls carry no cookie, so they cannot be forged cross-site."""
    user = current_user(request)
    if user is not None and user.via == "token":
        return
    expected = request.session.get("csrf")
    if not isinstance(expected, str) or not submitted or not hmac.compare_digest(expected, submitted):
        raise HTTPException(403, "missing or invalid CSRF token")
