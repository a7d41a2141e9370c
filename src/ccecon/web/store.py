"""The shared workspace store: users, workspaces, API tokens and versioned scenarios.

SQLite file by default (embedded), PostgreSQL by URL for teams; SQLAlchemy 2 Core tables,
schema created and upgraded by Alembic (``ccecon/web/migrations``). Every write is one
transaction: a crash in the middle of a save leaves every earlier version intact.

Access rule: every read and write of a scenario names the user's workspaces; a scenario of
another workspace and a scenario that does not exist are the same :class:`NotFound`, so no
answer reveals whether an id exists.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import math
import secrets
from collections.abc import Iterator, Sequence
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import sqlalchemy as sa
from sqlalchemy.engine import Connection, Engine

from ccecon.errors import CCEconError

metadata = sa.MetaData()

workspaces = sa.Table(
    "workspaces",
    metadata,
    sa.Column("id", sa.Integer, primary_key=True),
    sa.Column("name", sa.String(200), nullable=False, unique=True),
)
users = sa.Table(
    "users",
    metadata,
    sa.Column("id", sa.Integer, primary_key=True),
    sa.Column("name", sa.String(200), nullable=False, unique=True),
    sa.Column("password_hash", sa.String(300), nullable=False),
    sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
)
memberships = sa.Table(
    "memberships",
    metadata,
    sa.Column("user_id", sa.Integer, sa.ForeignKey("users.id"), primary_key=True),
    sa.Column("workspace_id", sa.Integer, sa.ForeignKey("workspaces.id"), primary_key=True),
)
tokens = sa.Table(
    "api_tokens",
    metadata,
    sa.Column("id", sa.Integer, primary_key=True),
    sa.Column("user_id", sa.Integer, sa.ForeignKey("users.id"), nullable=False),
    sa.Column("token_sha256", sa.String(64), nullable=False, unique=True),
    sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
    sa.Column("expires_at", sa.DateTime(timezone=True), nullable=True),
    sa.Column("revoked_at", sa.DateTime(timezone=True), nullable=True),
)
sessions = sa.Table(
    "sessions",
    metadata,
    sa.Column("id_sha256", sa.String(64), primary_key=True),
    sa.Column("user_id", sa.Integer, sa.ForeignKey("users.id"), nullable=False),
    sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
    sa.Column("last_seen", sa.DateTime(timezone=True), nullable=False),
)
scenarios = sa.Table(
    "scenarios",
    metadata,
    sa.Column("id", sa.Integer, primary_key=True),
    sa.Column("workspace_id", sa.Integer, sa.ForeignKey("workspaces.id"), nullable=False),
    sa.Column("name", sa.String(300), nullable=False),
    sa.Column("latest_version", sa.Integer, nullable=False),
    sa.Column("deleted", sa.Boolean, nullable=False, default=False),
    sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
)
versions = sa.Table(
    "scenario_versions",
    metadata,
    sa.Column("scenario_id", sa.Integer, sa.ForeignKey("scenarios.id"), primary_key=True),
    sa.Column("version", sa.Integer, primary_key=True),
    sa.Column("text", sa.Text, nullable=False),
    sa.Column("author_id", sa.Integer, sa.ForeignKey("users.id"), nullable=False),
    sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
)
settings = sa.Table(
    "settings",
    metadata,
    sa.Column("key", sa.String(100), primary_key=True),
    sa.Column("value", sa.Text, nullable=False),
)


class NotFound(CCEconError):
    """No such scenario in the user's workspaces (whether or not the id exists elsewhere)."""


class Conflict(CCEconError):
    """A name that must be unique is taken."""


@dataclass(frozen=True)
class User:
    """A signed-in user and the workspaces they belong to (ids and names)."""

    id: int
    name: str
    workspaces: dict[int, str]


@dataclass(frozen=True)
class ScenarioInfo:
    """A scenario's head: id, workspace, name, latest version, creation time."""

    id: int
    workspace: str
    name: str
    latest_version: int
    created_at: str


@dataclass(frozen=True)
class Version:
    """One saved version of a scenario (its YAML or JSON text as saved)."""

    scenario_id: int
    version: int
    text: str
    author: str
    created_at: str


SESSION_LIFETIME_S = 8 * 3600
"""A page session ends this many seconds after sign-in, however busy."""
SESSION_IDLE_S = 3600
"""A page session ends after this many seconds without a request."""
TOKEN_DAYS = 90
"""Days an API token is valid unless another lifetime is asked for."""
TOKEN_MAX_DAYS = 366
"""Longest lifetime an API token may be given."""
REMOVED = "!removed"
"""Password hash of a removed account: no password matches it."""


@dataclass(frozen=True)
class TokenInfo:
    """One API token as its owner may see it (never the token itself)."""

    id: int
    created_at: str
    expires_at: str | None
    revoked: bool

    @property
    def active(self) -> bool:
        """Neither revoked nor past its expiry."""
        if self.revoked:
            return False
        return self.expires_at is None or dt.datetime.fromisoformat(self.expires_at) > _now()


DB_ENV = "CCECON_WEB_DB"
"""Environment variable naming the store (a URL or a SQLite file path) when ``--db`` is
not given."""
STORE_FILE = "web.sqlite3"
"""File name of the embedded store in the per-user data directory."""


def default_path() -> Path:
    """The per-user SQLite store, the same whatever the working directory:
    ``$XDG_DATA_HOME/ccecon/web.sqlite3`` (``~/.local/share/ccecon/web.sqlite3`` when
    ``XDG_DATA_HOME`` is unset; ``%LOCALAPPDATA%\\ccecon\\web.sqlite3`` on Windows)."""
    import os
    import sys

    if sys.platform == "win32" and os.environ.get("LOCALAPPDATA"):  # pragma: no cover
        return Path(os.environ["LOCALAPPDATA"]) / "ccecon" / STORE_FILE
    base = os.environ.get("XDG_DATA_HOME") or str(Path.home() / ".local" / "share")
    return Path(base) / "ccecon" / STORE_FILE


def default_url(directory: str | Path | None = None) -> str:
    """The embedded store's URL: ``sqlite:///`` and :func:`default_path` (or the file
    ``ccecon-web.sqlite3`` in ``directory`` when one is given)."""
    path = default_path() if directory is None else Path(directory) / "ccecon-web.sqlite3"
    return f"sqlite:///{path.resolve()}"


def store_url(given: str | None = None) -> tuple[str, str]:
    """The store to use and why: ``given`` (``--db``), else ``$CCECON_WEB_DB``, else the
    per-user default. A value without ``://`` is a SQLite file path (made absolute, so
    every command run from anywhere names the same file). Returns (URL, where it came
    from: "--db", the variable's name or "default")."""
    import os

    if given:
        raw, source = given, "--db"
    elif os.environ.get(DB_ENV):
        raw, source = os.environ[DB_ENV], DB_ENV
    else:
        return default_url(), "default"
    if "://" not in raw:
        raw = f"sqlite:///{Path(raw).expanduser().resolve()}"
    return raw, source


def shown_url(url: str) -> str:
    """``url`` without its password, to print."""
    try:
        return sa.engine.make_url(url).render_as_string(hide_password=True)
    except sa.exc.ArgumentError:
        return url


def _new_id(result: Any) -> int:
    """The primary key an INSERT created."""
    key = result.inserted_primary_key
    if key is None:  # pragma: no cover - every table here has an integer key
        raise CCEconError("the database returned no key for a new row")
    return int(key[0])


def _now() -> dt.datetime:
    return dt.datetime.now(dt.UTC)


def _aware(t: Any) -> dt.datetime:
    """A stored time as an aware UTC datetime (SQLite returns them without a zone)."""
    if not isinstance(t, dt.datetime):
        t = dt.datetime.fromisoformat(str(t))
    return t if t.tzinfo is not None else t.replace(tzinfo=dt.UTC)


def _iso(t: Any) -> str:
    return _aware(t).isoformat() if isinstance(t, dt.datetime) else str(t)


def _sha(secret: str) -> str:
    return hashlib.sha256(secret.encode()).hexdigest()


def _private_sqlite_file(url: str) -> None:
    """Create the SQLite file of ``url`` readable and writable by its owner only (0600), or
    take group and other access away from an existing one: it holds password hashes and
    the session-signing secret. (SQLite gives its -wal and -shm files the same mode.)"""
    import os
    import stat

    raw = sa.engine.make_url(url).database
    if not raw or raw == ":memory:" or raw.startswith("file:"):
        return
    path = Path(raw)
    if not path.exists():
        path.parent.mkdir(parents=True, exist_ok=True)
        os.close(os.open(path, os.O_CREAT | os.O_WRONLY, 0o600))
    for p in (path, Path(f"{path}-wal"), Path(f"{path}-shm")):
        if p.exists() and stat.S_IMODE(p.stat().st_mode) & 0o077:
            p.chmod(0o600)


def _engine(url: str) -> Engine:
    if url.startswith("postgresql://"):
        url = "postgresql+psycopg://" + url[len("postgresql://") :]
    if url.startswith("sqlite"):
        eng = sa.create_engine(url, connect_args={"timeout": 30, "check_same_thread": False})

        @sa.event.listens_for(eng, "connect")
        def _pragmas(dbapi_conn: Any, _rec: Any) -> None:
            # Let SQLAlchemy, not the driver, open transactions, so BEGIN IMMEDIATE below
            # takes the write lock at the start of a save (no lost updates).
            dbapi_conn.isolation_level = None
            cur = dbapi_conn.cursor()
            cur.execute("PRAGMA journal_mode=WAL")
            cur.execute("PRAGMA foreign_keys=ON")
            cur.execute("PRAGMA busy_timeout=30000")
            cur.close()

        @sa.event.listens_for(eng, "begin")
        def _begin(conn: Connection) -> None:
            # Writes take SQLite's write lock when they begin; reads begin deferred, so
            # readers never wait for one another (WAL lets them read during a write).
            conn.exec_driver_sql("BEGIN IMMEDIATE" if conn.info.get("write") else "BEGIN")

        return eng
    return sa.create_engine(url, pool_pre_ping=True)


def migrate(url: str) -> None:
    """Create or upgrade the store's schema to the newest migration (Alembic)."""
    from alembic import command
    from alembic.config import Config

    cfg = Config()
    cfg.set_main_option("script_location", str(Path(__file__).with_name("migrations")))
    eng = _engine(url)
    try:
        with eng.begin() as conn:
            cfg.attributes["connection"] = conn
            command.upgrade(cfg, "head")
    finally:
        eng.dispose()


class Store:
    """Users, workspaces, tokens and versioned scenarios in one database.

    Parameters
    ----------
    url : str
        SQLAlchemy URL: ``sqlite:///path.sqlite3`` (default store) or
        ``postgresql://user:password@host:port/db``.
    """

    def __init__(self, url: str) -> None:
        if url.startswith("sqlite"):
            _private_sqlite_file(url)
        migrate(url)
        self.url = url
        self.engine = _engine(url)
        self._token_cache: dict[str, tuple[float, User]] = {}

    def close(self) -> None:
        """Release the connection pool."""
        self.engine.dispose()

    @contextmanager
    def _tx(self) -> Iterator[Connection]:
        """A write transaction (on SQLite: BEGIN IMMEDIATE)."""
        with self.engine.connect() as conn:
            conn.info["write"] = True
            try:
                with conn.begin():
                    yield conn
            finally:
                conn.info.pop("write", None)

    # ------------------------------------------------------------------ settings
    def secret(self, key: str = "session_secret") -> str:
        """A random secret created on first use and kept in the store (sessions survive a
        restart)."""
        with self._tx() as c:
            row = c.execute(sa.select(settings.c.value).where(settings.c.key == key)).first()
            if row is not None:
                return str(row[0])
            value = secrets.token_urlsafe(48)
            c.execute(settings.insert().values(key=key, value=value))
            return value

    # ------------------------------------------------------------------ users
    def add_user(self, name: str, password: str, workspace: str) -> User:
        """Create a user in ``workspace`` (created if new); :class:`Conflict` if taken."""
        from ccecon.web.security import hash_password

        name = name.strip()
        if not name:
            raise CCEconError("the user name must not be empty")
        if len(password) < 8:
            raise CCEconError("the password must have at least 8 characters")
        with self._tx() as c:
            if c.execute(sa.select(users.c.id).where(users.c.name == name)).first():
                raise Conflict(f"user {name!r} exists already")
            uid = _new_id(
                c.execute(
                    users.insert().values(
                        name=name, password_hash=hash_password(password), created_at=_now()
                    )
                )
            )
            wid = self._workspace_id(c, workspace)
            c.execute(memberships.insert().values(user_id=uid, workspace_id=wid))
        return self.user(int(uid))

    def join(self, name: str, workspace: str) -> User:
        """Add an existing user to another workspace."""
        with self._tx() as c:
            row = c.execute(sa.select(users.c.id).where(users.c.name == name)).first()
            if row is None:
                raise NotFound(f"no user {name!r}")
            wid = self._workspace_id(c, workspace)
            exists = c.execute(
                sa.select(memberships.c.user_id).where(
                    memberships.c.user_id == row[0], memberships.c.workspace_id == wid
                )
            ).first()
            if not exists:
                c.execute(memberships.insert().values(user_id=row[0], workspace_id=wid))
        return self.user(int(row[0]))

    @staticmethod
    def _workspace_id(c: Connection, name: str) -> int:
        name = name.strip()
        if not name:
            raise CCEconError("the workspace name must not be empty")
        row = c.execute(sa.select(workspaces.c.id).where(workspaces.c.name == name)).first()
        if row is not None:
            return int(row[0])
        return _new_id(c.execute(workspaces.insert().values(name=name)))

    def user(self, user_id: int) -> User:
        """The user with this id and their workspaces."""
        with self.engine.connect() as c:
            row = c.execute(sa.select(users.c.id, users.c.name).where(users.c.id == user_id))
            u = row.first()
            if u is None:
                raise NotFound("no such user")
            ws = c.execute(
                sa.select(workspaces.c.id, workspaces.c.name)
                .join(memberships, memberships.c.workspace_id == workspaces.c.id)
                .where(memberships.c.user_id == user_id)
                .order_by(workspaces.c.name)
            ).all()
        return User(int(u[0]), str(u[1]), {int(w[0]): str(w[1]) for w in ws})

    def user_count(self) -> int:
        """Number of accounts."""
        with self.engine.connect() as c:
            return int(c.execute(sa.select(sa.func.count()).select_from(users)).scalar_one())

    def authenticate(self, name: str, password: str) -> User | None:
        """The user when name and password match; None otherwise (no hint which failed)."""
        from ccecon.web.security import needs_rehash, verify_password

        with self.engine.connect() as c:
            row = c.execute(
                sa.select(users.c.id, users.c.password_hash).where(users.c.name == name.strip())
            ).first()
        if row is None or row[1] == REMOVED:
            from ccecon.web.security import DUMMY_HASH

            verify_password(DUMMY_HASH, password)  # as long as a real check
            return None
        if not verify_password(str(row[1]), password):
            return None
        if needs_rehash(str(row[1])):
            from ccecon.web.security import hash_password

            with self._tx() as c:
                c.execute(
                    users.update()
                    .where(users.c.id == row[0])
                    .values(password_hash=hash_password(password))
                )
        return self.user(int(row[0]))

    def user_id(self, name: str) -> int:
        """The id of the account ``name``; :class:`NotFound` if there is none."""
        with self.engine.connect() as c:
            row = c.execute(
                sa.select(users.c.id).where(
                    users.c.name == name.strip(), users.c.password_hash != REMOVED
                )
            ).first()
        if row is None:
            raise NotFound(f"no user {name!r}; create it with `ccecon users add`")
        return int(row[0])

    def set_password(self, name: str, password: str) -> None:
        """Give ``name`` a new password and end every page session of theirs."""
        from ccecon.web.security import hash_password

        if len(password) < 8:
            raise CCEconError("the password must have at least 8 characters")
        uid = self.user_id(name)
        with self._tx() as c:
            c.execute(
                users.update()
                .where(users.c.id == uid)
                .values(password_hash=hash_password(password))
            )
            c.execute(sessions.delete().where(sessions.c.user_id == uid))

    def remove_user(self, name: str) -> None:
        """Remove an account: its sessions end, its tokens stop working, it leaves every
        workspace and no password signs in to it. Its saved versions keep their author."""
        uid = self.user_id(name)
        with self._tx() as c:
            c.execute(sessions.delete().where(sessions.c.user_id == uid))
            c.execute(tokens.delete().where(tokens.c.user_id == uid))
            c.execute(memberships.delete().where(memberships.c.user_id == uid))
            c.execute(users.update().where(users.c.id == uid).values(password_hash=REMOVED))
        self._token_cache.clear()

    # ------------------------------------------------------------------ sessions
    def new_session(self, user_id: int) -> str:
        """A new page session for the user: a random id for the (signed) session cookie;
        the store keeps only its SHA-256."""
        sid = secrets.token_urlsafe(32)
        now = _now()
        with self._tx() as c:
            c.execute(
                sessions.insert().values(
                    id_sha256=_sha(sid), user_id=user_id, created_at=now, last_seen=now
                )
            )
        return sid

    def session_user(self, sid: str) -> User | None:
        """The user of a live page session; None when it ended (logout, password change,
        removal), is older than :data:`SESSION_LIFETIME_S` or idle longer than
        :data:`SESSION_IDLE_S`. A request marks the session as seen (at most once a
        minute, to spare the database)."""
        digest, now = _sha(sid), _now()
        with self.engine.connect() as c:
            row = c.execute(
                sa.select(sessions.c.user_id, sessions.c.created_at, sessions.c.last_seen).where(
                    sessions.c.id_sha256 == digest
                )
            ).first()
        if row is None:
            return None
        created, seen = _aware(row[1]), _aware(row[2])
        if (now - created).total_seconds() > SESSION_LIFETIME_S or (
            now - seen
        ).total_seconds() > SESSION_IDLE_S:
            self.end_session(sid)
            return None
        if (now - seen).total_seconds() > 60:
            with self._tx() as c:
                c.execute(
                    sessions.update().where(sessions.c.id_sha256 == digest).values(last_seen=now)
                )
        try:
            return self.user(int(row[0]))
        except NotFound:
            return None

    def end_session(self, sid: str) -> None:
        """End one page session (logout)."""
        with self._tx() as c:
            c.execute(sessions.delete().where(sessions.c.id_sha256 == _sha(sid)))

    def _expire_session(self, digest: str, seconds_ago: float) -> None:
        """Move a session's times back (tests of the lifetime and idle limits)."""
        then = _now() - dt.timedelta(seconds=seconds_ago)
        with self._tx() as c:
            c.execute(
                sessions.update()
                .where(sessions.c.id_sha256 == digest)
                .values(created_at=then, last_seen=then)
            )

    # ------------------------------------------------------------------ tokens
    def new_token(self, user_id: int, days: int = TOKEN_DAYS) -> str:
        """A new API token for the user, valid for ``days`` days (1 to
        :data:`TOKEN_MAX_DAYS`); only its SHA-256 is stored, so it is shown once."""
        if not 1 <= days <= TOKEN_MAX_DAYS:
            raise CCEconError(f"a token's lifetime must be 1 to {TOKEN_MAX_DAYS} days (got {days})")
        token = "cce_" + secrets.token_urlsafe(32)
        now = _now()
        with self._tx() as c:
            c.execute(
                tokens.insert().values(
                    user_id=user_id,
                    token_sha256=_sha(token),
                    created_at=now,
                    expires_at=now + dt.timedelta(days=days),
                )
            )
        return token

    def revoke_token(self, user_id: int, token_id: int) -> None:
        """Revoke one of the user's tokens (:class:`NotFound` for anyone else's); it stops
        working at once in this process and within :attr:`TOKEN_CACHE_S` seconds in
        others."""
        with self._tx() as c:
            done = c.execute(
                tokens.update()
                .where(
                    tokens.c.id == token_id,
                    tokens.c.user_id == user_id,
                    tokens.c.revoked_at.is_(None),
                )
                .values(revoked_at=_now())
            )
            if done.rowcount != 1:
                raise NotFound(f"no active token {token_id} of yours")
        self._token_cache.clear()

    def list_tokens(self, user_id: int) -> list[TokenInfo]:
        """The user's API tokens (never the token itself: only its id, dates and state)."""
        with self.engine.connect() as c:
            rows = c.execute(
                sa.select(
                    tokens.c.id, tokens.c.created_at, tokens.c.expires_at, tokens.c.revoked_at
                )
                .where(tokens.c.user_id == user_id)
                .order_by(tokens.c.id)
            ).all()
        return [
            TokenInfo(int(r[0]), _iso(r[1]), None if r[2] is None else _iso(r[2]), r[3] is not None)
            for r in rows
        ]

    TOKEN_CACHE_S = 10.0
    """Seconds a token's user (with their workspaces) is kept in memory between lookups."""

    def cached_token_user(self, token: str) -> User | None:
        """The token's user if it was looked up less than :attr:`TOKEN_CACHE_S` seconds ago
        (no database access, so it may run on the event loop); None otherwise."""
        import time

        hit = self._token_cache.get(hashlib.sha256(token.encode()).hexdigest())
        return hit[1] if hit is not None and hit[0] > time.monotonic() else None

    def user_by_token(self, token: str) -> User | None:
        """The token's user, or None. Known tokens are cached for :attr:`TOKEN_CACHE_S`
        seconds, so a change of workspaces reaches a running server within that time."""
        import time

        cached = self.cached_token_user(token)
        if cached is not None:
            return cached
        digest = hashlib.sha256(token.encode()).hexdigest()
        now = time.monotonic()
        with self.engine.connect() as c:
            row = c.execute(
                sa.select(tokens.c.user_id, tokens.c.expires_at).where(
                    tokens.c.token_sha256 == digest, tokens.c.revoked_at.is_(None)
                )
            ).first()
        if row is None:
            return None
        left = math.inf if row[1] is None else (_aware(row[1]) - _now()).total_seconds()
        if left <= 0:
            return None  # expired
        user = self.user(int(row[0]))
        if len(self._token_cache) > 10_000:
            self._token_cache.clear()
        self._token_cache[digest] = (now + min(self.TOKEN_CACHE_S, left), user)
        return user

    # ------------------------------------------------------------------ scenarios
    def _workspace_for(self, user: User, workspace: str | None) -> int:
        if workspace is None:
            if not user.workspaces:
                raise NotFound("you belong to no workspace")
            return next(iter(user.workspaces))
        for wid, wname in user.workspaces.items():
            if wname == workspace:
                return wid
        raise NotFound(f"no workspace {workspace!r} among yours")

    def create(self, user: User, name: str, text: str, workspace: str | None = None) -> Version:
        """A new scenario with its version 1."""
        wid = self._workspace_for(user, workspace)
        with self._tx() as c:
            sid = _new_id(
                c.execute(
                    scenarios.insert().values(
                        workspace_id=wid,
                        name=name,
                        latest_version=1,
                        deleted=False,
                        created_at=_now(),
                    )
                )
            )
            c.execute(
                versions.insert().values(
                    scenario_id=sid, version=1, text=text, author_id=user.id, created_at=_now()
                )
            )
        return self.version(user, int(sid), 1)

    def _visible(self, user: User) -> Any:
        return sa.and_(
            scenarios.c.workspace_id.in_(list(user.workspaces) or [-1]),
            scenarios.c.deleted.is_(False),
        )

    def save(self, user: User, scenario_id: int, text: str, name: str | None = None) -> Version:
        """Save a new version (latest + 1) in one transaction that locks the scenario row,
        so parallel saves get consecutive versions and none is lost."""
        with self._tx() as c:
            q = sa.select(scenarios.c.latest_version).where(
                scenarios.c.id == scenario_id, self._visible(user)
            )
            if self.engine.dialect.name == "postgresql":
                q = q.with_for_update()
            row = c.execute(q).first()
            if row is None:
                raise NotFound("scenario not found")
            new = int(row[0]) + 1
            c.execute(
                versions.insert().values(
                    scenario_id=scenario_id,
                    version=new,
                    text=text,
                    author_id=user.id,
                    created_at=_now(),
                )
            )
            values: dict[str, Any] = {"latest_version": new}
            if name:
                values["name"] = name
            c.execute(scenarios.update().where(scenarios.c.id == scenario_id).values(**values))
        return self.version(user, scenario_id, new)

    def delete(self, user: User, scenario_id: int) -> None:
        """Hide a scenario (its versions stay in the store for audit)."""
        with self._tx() as c:
            res = c.execute(
                scenarios.update()
                .where(scenarios.c.id == scenario_id, self._visible(user))
                .values(deleted=True)
            )
            if res.rowcount == 0:
                raise NotFound("scenario not found")

    def _heads(self, user: User, *where: Any) -> list[ScenarioInfo]:
        with self.engine.connect() as c:
            rows = c.execute(
                sa.select(
                    scenarios.c.id,
                    workspaces.c.name,
                    scenarios.c.name,
                    scenarios.c.latest_version,
                    scenarios.c.created_at,
                )
                .join(workspaces, workspaces.c.id == scenarios.c.workspace_id)
                .where(self._visible(user), *where)
                .order_by(scenarios.c.id.desc())
            ).all()
        return [ScenarioInfo(int(r[0]), r[1], r[2], int(r[3]), _iso(r[4])) for r in rows]

    def list_scenarios(self, user: User) -> list[ScenarioInfo]:
        """The scenarios of the user's workspaces, newest first."""
        return self._heads(user)

    def info(self, user: User, scenario_id: int) -> ScenarioInfo:
        """One scenario's head, if visible to the user."""
        found = self._heads(user, scenarios.c.id == scenario_id)
        if not found:
            raise NotFound("scenario not found")
        return found[0]

    def version(self, user: User, scenario_id: int, version: int | None = None) -> Version:
        """A version (the latest when None) of a scenario visible to the user."""
        with self.engine.connect() as c:
            head = c.execute(
                sa.select(scenarios.c.latest_version).where(
                    scenarios.c.id == scenario_id, self._visible(user)
                )
            ).first()
            if head is None:
                raise NotFound("scenario not found")
            v = int(head[0]) if version is None else version
            row = c.execute(
                sa.select(versions.c.text, users.c.name, versions.c.created_at)
                .join(users, users.c.id == versions.c.author_id)
                .where(versions.c.scenario_id == scenario_id, versions.c.version == v)
            ).first()
        if row is None:
            raise NotFound(f"scenario has no version {v}")
        return Version(scenario_id, v, str(row[0]), str(row[1]), _iso(row[2]))

    def versions(self, user: User, scenario_id: int) -> list[Version]:
        """Every version, oldest first."""
        self.info(user, scenario_id)
        with self.engine.connect() as c:
            rows = c.execute(
                sa.select(versions.c.version, versions.c.text, users.c.name, versions.c.created_at)
                .join(users, users.c.id == versions.c.author_id)
                .where(versions.c.scenario_id == scenario_id)
                .order_by(versions.c.version)
            ).all()
        return [Version(scenario_id, int(r[0]), str(r[1]), str(r[2]), _iso(r[3])) for r in rows]

    def diff(self, user: User, scenario_id: int, a: int, b: int) -> str:
        """Unified diff of the text of versions ``a`` and ``b`` (line endings ignored)."""
        from ccecon.web.versions import unified

        va, vb = self.version(user, scenario_id, a), self.version(user, scenario_id, b)
        return unified(va.text, vb.text, f"v{a}", f"v{b}")


def summary_rows(infos: Sequence[ScenarioInfo]) -> list[dict[str, Any]]:
    """Scenario heads as plain dicts (JSON)."""
    return [s.__dict__.copy() for s in infos]
