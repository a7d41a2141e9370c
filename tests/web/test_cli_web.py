"""``ccecon users`` and ``ccecon serve`` as a user runs them."""

from __future__ import annotations

import subprocess
import sys
import time
import urllib.request
from pathlib import Path

import pytest
from typer.testing import CliRunner

import ccecon
from ccecon.cli.app import app
from tests.web.conftest import free_port

runner = CliRunner()


def test_users_add_token_and_mistakes(tmp_path: Path) -> None:
    db = f"sqlite:///{tmp_path / 'w.sqlite3'}"
    ok = runner.invoke(
        app, ["users", "add", "ann", "--workspace", "alpha", "--password", "password-a", "--db", db]
    )
    assert ok.exit_code == 0, ok.output
    assert "ann created in workspace alpha" in ok.output
    again = runner.invoke(
        app, ["users", "add", "ann", "--workspace", "alpha", "--password", "password-a", "--db", db]
    )
    assert again.exit_code == 2 and "exists already" in again.output
    short = runner.invoke(
        app, ["users", "add", "bo", "--workspace", "b", "--password", "short", "--db", db]
    )
    assert short.exit_code == 2 and "at least 8 characters" in short.output
    tok = runner.invoke(app, ["users", "token", "ann", "--db", db])
    assert tok.exit_code == 0 and tok.stdout.strip().startswith("cce_")
    assert tok.stdout.count("\n") == 1  # the token alone on stdout; the store is on stderr
    nobody = runner.invoke(app, ["users", "token", "nobody", "--db", db])
    assert nobody.exit_code == 2 and "no user 'nobody'" in nobody.output
    joined = runner.invoke(app, ["users", "join", "ann", "--workspace", "beta", "--db", db])
    assert joined.exit_code == 0 and "alpha, beta" in joined.output


def test_users_in_another_directory_use_the_same_store_and_say_which(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """The reported trap: `users add` run in another directory made a second store, and
    sign-in then failed. The default store is per user, and every command names it."""
    monkeypatch.delenv("CCECON_WEB_DB", raising=False)
    monkeypatch.setenv("XDG_DATA_HOME", str(tmp_path / "data"))
    store_file = tmp_path / "data" / "ccecon" / "web.sqlite3"
    one, two = tmp_path / "one", tmp_path / "two"
    one.mkdir()
    two.mkdir()
    monkeypatch.chdir(one)
    add = runner.invoke(app, ["users", "add", "ann", "--workspace", "a", "--password", "pw-12345"])
    assert add.exit_code == 0, add.output
    assert f"store: sqlite:///{store_file} (the per-user default" in add.output
    assert "--db or CCECON_WEB_DB" in add.output
    monkeypatch.chdir(two)
    tok = runner.invoke(app, ["users", "token", "ann"])  # found from another directory
    assert tok.exit_code == 0, tok.output
    assert f"store: sqlite:///{store_file}" in tok.stderr
    assert list(one.iterdir()) == list(two.iterdir()) == []  # no store made beside them
    # an old ./ccecon-web.sqlite3 is pointed out, not used silently
    (two / "ccecon-web.sqlite3").write_bytes(b"")
    again = runner.invoke(app, ["users", "tokens", "ann"])
    assert "ccecon-web.sqlite3 here is not used" in again.stderr
    # --db takes a plain file path; the variable chooses when --db is not given
    other = tmp_path / "team.sqlite3"
    r = runner.invoke(
        app,
        [
            "users",
            "add",
            "bob",
            "--workspace",
            "b",
            "--password",
            "pw-12345",
            "--db",
            "../team.sqlite3",
        ],
    )
    assert r.exit_code == 0 and f"store: sqlite:///{other} (from --db)" in r.output
    monkeypatch.setenv("CCECON_WEB_DB", str(other))
    r = runner.invoke(app, ["users", "token", "bob"])
    assert r.exit_code == 0 and "(from CCECON_WEB_DB)" in r.stderr
    r = runner.invoke(app, ["users", "token", "ann"])  # ann is in the default store only
    assert r.exit_code == 2 and "no user 'ann'" in r.output


def test_serve_first_start_creates_store_and_says_how_to_add_a_user(tmp_path: Path) -> None:
    import os

    port = free_port()
    exe = Path(sys.executable).with_name("ccecon")
    env = {k: v for k, v in os.environ.items() if k != "CCECON_WEB_DB"}
    env["XDG_DATA_HOME"] = str(tmp_path / "data")
    # the ccecon under test (a worktree's src on PYTHONPATH, relative to the test's cwd)
    env["PYTHONPATH"] = str(Path(ccecon.__file__).resolve().parents[1])
    proc = subprocess.Popen(
        [str(exe), "serve", "--port", str(port)],
        env=env,
        cwd=tmp_path,
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
        text=True,
    )
    try:
        deadline = time.monotonic() + 60
        while True:
            try:
                with urllib.request.urlopen(f"http://127.0.0.1:{port}/login") as r:
                    assert r.status == 200
                    page = r.read().decode()
                break
            except OSError:
                if time.monotonic() > deadline or proc.poll() is not None:
                    raise
                time.sleep(0.2)
        assert "ccecon users add" in page  # the login page says how to add the first user
        store_file = tmp_path / "data" / "ccecon" / "web.sqlite3"
        assert store_file.exists()
        assert not (tmp_path / "ccecon-web.sqlite3").exists()
    finally:
        proc.terminate()
        out, _ = proc.communicate(timeout=30)
    assert "No user yet" in out and "ccecon users add NAME --workspace TEAM" in out
    assert f"store: sqlite:///{store_file} (the per-user default" in out


def test_serve_without_the_web_extra_says_how_to_install_it(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """After `make demo` (core only) uvicorn is absent: exit 2 and the pip command, no
    traceback. A None entry in sys.modules makes `import uvicorn` raise ImportError."""
    monkeypatch.setitem(sys.modules, "uvicorn", None)
    r = runner.invoke(app, ["serve", "--db", f"sqlite:///{tmp_path / 'w.sqlite3'}"])
    assert r.exit_code == 2
    assert "pip install 'ccecon[web]'" in r.output
    assert "uvicorn" in r.output
    assert r.exception is None or isinstance(r.exception, SystemExit)
