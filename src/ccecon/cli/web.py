"""``ccecon serve`` (the web app) and ``ccecon users`` (accounts and API tokens)."""

from __future__ import annotations

from typing import Annotated

import typer

DB_HELP = (
    "Store: a SQLite file path, sqlite:///FILE or postgresql://... "
    "[env CCECON_WEB_DB; default: the per-user file ~/.local/share/ccecon/web.sqlite3]"
)


def _url(db: str | None) -> tuple[str, str]:
    from ccecon.web.store import store_url

    return store_url(db)


def _where(url: str, source: str) -> str:
    """One line saying which store a command uses and how it was chosen."""
    from pathlib import Path

    from ccecon.web.store import DB_ENV, shown_url

    why = {
        "default": f"the per-user default; --db or {DB_ENV} chooses another",
        "--db": "from --db",
    }.get(source, f"from {source}")
    line = f"store: {shown_url(url)} ({why})"
    old = Path("ccecon-web.sqlite3")
    if source == "default" and old.exists():  # where earlier releases kept it
        line += (
            f"\nnote: ./{old} here is not used; to use it, pass --db {old.resolve()}"
            f" or set {DB_ENV}"
        )
    return line


def _store(db: str | None, *, say: bool = True):  # type: ignore[no-untyped-def]
    try:
        from ccecon.web.store import Store
    except ImportError as exc:  # the web extra is not installed
        from ccecon.cli.output import fail

        fail(f"the web app needs its extra: pip install 'ccecon[web]' ({exc.name} missing)")
    url, source = _url(db)
    if say:  # on stderr: a token printed on stdout stays alone there
        typer.echo(_where(url, source), err=True)
    return Store(url)


def serve(
    host: Annotated[str, typer.Option(help="Interface to listen on.")] = "127.0.0.1",
    port: Annotated[int, typer.Option(help="TCP port.")] = 8000,
    db: Annotated[str | None, typer.Option(help=DB_HELP)] = None,
    workers: Annotated[int, typer.Option(help="Worker processes (uvicorn).")] = 1,
    engine_processes: Annotated[
        int | None,
        typer.Option(
            help="Processes that evaluate new scenarios for /api/evaluate, shared by "
            "one queue; default: one per core with --workers 1, none (threads) otherwise."
        ),
    ] = None,
    secure_cookie: Annotated[
        bool,
        typer.Option(
            help="Send the session cookie over HTTPS only (behind a TLS proxy).",
        ),
    ] = False,
) -> None:
    """Start the web app and JSON API (creates the store on first start)."""
    from ccecon.cli.output import user_errors

    with user_errors():
        import os

        try:
            import uvicorn
        except ImportError as exc:  # the web extra is not installed
            from ccecon.cli.output import fail

            fail(f"the web app needs its extra: pip install 'ccecon[web]' ({exc.name} missing)")

        from ccecon.errors import InputError

        if workers < 1:
            raise InputError("expected at least 1", field="--workers", value=workers)
        if engine_processes is not None and engine_processes < 0:
            raise InputError(
                "expected 0 or more", field="--engine-processes", value=engine_processes
            )
        url, source = _url(db)
        store = _store(url, say=False)
        n = store.user_count()
        store.close()
        typer.echo(f"ccecon web: {_where(url, source)}")
        if n == 0:
            typer.echo(
                "No user yet. Add the first one (in another terminal):\n"
                "  ccecon users add NAME --workspace TEAM"
                + (f" --db {url}" if source != "default" else "")
            )
        typer.echo(f"Open http://{host}:{port}/ (JSON API under /api, schema /openapi.json)")
        os.environ["CCECON_WEB_DB"] = url
        if engine_processes is None:
            engine_processes = (os.cpu_count() or 1) if workers == 1 else 0
        os.environ["CCECON_WEB_ENGINE_PROCESSES"] = str(engine_processes)
        os.environ["CCECON_WEB_SECURE_COOKIE"] = "1" if secure_cookie else "0"
        uvicorn.run(
            "ccecon.web.asgi:app",
            host=host,
            port=port,
            workers=workers,
            log_level="warning",
        )


def users_add(
    name: Annotated[str, typer.Argument(help="User name (login).")],
    workspace: Annotated[str, typer.Option(help="Workspace (created if new).")],
    password: Annotated[
        str,
        typer.Option(
            prompt=True,
            hide_input=True,
            confirmation_prompt=True,
            envvar="CCECON_PASSWORD",
            help="Password (at least 8 characters); prompted when not given.",
        ),
    ],
    db: Annotated[str | None, typer.Option(help=DB_HELP)] = None,
) -> None:
    """Create an account in a workspace (``--workspace`` again adds it to another)."""
    from ccecon.cli.output import user_errors

    with user_errors():
        store = _store(db)
        user = store.add_user(name, password, workspace)
        typer.echo(f"user {user.name} created in workspace {workspace}")


def users_join(
    name: Annotated[str, typer.Argument(help="User name.")],
    workspace: Annotated[str, typer.Option(help="Workspace (created if new).")],
    db: Annotated[str | None, typer.Option(help=DB_HELP)] = None,
) -> None:
    """Give an existing user access to another workspace."""
    from ccecon.cli.output import user_errors

    with user_errors():
        user = _store(db).join(name, workspace)
        typer.echo(f"{user.name}: workspaces {', '.join(user.workspaces.values())}")


def users_token(
    name: Annotated[str, typer.Argument(help="User name.")],
    days: Annotated[
        int, typer.Option(help="Days the token is valid (1 to 366).", min=1, max=366)
    ] = 90,
    db: Annotated[str | None, typer.Option(help=DB_HELP)] = None,
) -> None:
    """Create an API token (printed once; send it as ``Authorization: Bearer TOKEN``)."""
    from ccecon.cli.output import user_errors

    with user_errors():
        store = _store(db)
        typer.echo(store.new_token(store.user_id(name), days=days))


def users_tokens(
    name: Annotated[str, typer.Argument(help="User name.")],
    db: Annotated[str | None, typer.Option(help=DB_HELP)] = None,
) -> None:
    """List a user's API tokens: id, created, expires, state (never the token)."""
    from ccecon.cli.output import user_errors

    with user_errors():
        store = _store(db)
        listed = store.list_tokens(store.user_id(name))
        if not listed:
            typer.echo(f"{name} has no API tokens")
        for k in listed:
            state = "revoked" if k.revoked else ("active" if k.active else "expired")
            expires = k.expires_at[:10] if k.expires_at else "never"
            typer.echo(f"#{k.id}  created {k.created_at[:10]}  expires {expires}  {state}")


def users_revoke(
    name: Annotated[str, typer.Argument(help="User name.")],
    token_id: Annotated[int, typer.Argument(help="Token id (from `ccecon users tokens`).")],
    db: Annotated[str | None, typer.Option(help=DB_HELP)] = None,
) -> None:
    """Revoke one API token of a user; it stops working at once."""
    from ccecon.cli.output import user_errors

    with user_errors():
        store = _store(db)
        store.revoke_token(store.user_id(name), token_id)
        typer.echo(f"token #{token_id} of {name} revoked")


def users_password(
    name: Annotated[str, typer.Argument(help="User name.")],
    password: Annotated[
        str,
        typer.Option(
            prompt="New password",
            hide_input=True,
            confirmation_prompt=True,
            envvar="CCECON_PASSWORD",
            help="New password (at least 8 characters); prompted when not given.",
        ),
    ],
    db: Annotated[str | None, typer.Option(help=DB_HELP)] = None,
) -> None:
    """Set a new password; every signed-in page session of the user ends."""
    from ccecon.cli.output import user_errors

    with user_errors():
        _store(db).set_password(name, password)
        typer.echo(f"password of {name} changed; their sessions ended")


def users_remove(
    name: Annotated[str, typer.Argument(help="User name.")],
    db: Annotated[str | None, typer.Option(help=DB_HELP)] = None,
) -> None:
    """Remove an account: sessions end, tokens stop, workspaces left; versions it saved
    keep its name as author."""
    from ccecon.cli.output import user_errors

    with user_errors():
        _store(db).remove_user(name)
        typer.echo(f"user {name} removed")


def register(app: typer.Typer) -> None:
    """Add ``serve`` and the ``users`` group to ``app``."""
    app.command()(serve)
    users = typer.Typer(help="Accounts of the web app and their API tokens.", no_args_is_help=True)
    app.add_typer(users, name="users")
    users.command("add")(users_add)
    users.command("join")(users_join)
    users.command("token")(users_token)
    users.command("tokens")(users_tokens)
    users.command("revoke")(users_revoke)
    users.command("password")(users_password)
    users.command("remove")(users_remove)
