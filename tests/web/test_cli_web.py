"""``ccecon users`` and ``ccecon serve`` as a user runs them."""

from __future__ import annotations

import subprocess
import sys
import time
import urllib.request
from pathlib import Path

import pytest
from typer.testing import CliRunner

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
    assert tok.exit_code == 0 and tok.output.strip().startswith("cce_")
    nobody = runner.invoke(app, ["users", "token", "nobody", "--db", db])
    assert nobody.exit_code == 2 and "no user 'nobody'" in nobody.output
    joined = runner.invoke(app, ["users", "join", "ann", "--workspace", "beta", "--db", db])
    assert joined.exit_code == 0 and "alpha, beta" in joined.output


def test_serve_first_start_creates_store_and_says_how_to_add_a_user(tmp_path: Path) -> None:
    port = free_port()
    exe = Path(sys.executable).with_name("ccecon")
    proc = subprocess.Popen(
        [str(exe), "serve", "--port", str(port)],
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
        assert (tmp_path / "ccecon-web.sqlite3").exists()
    finally:
        proc.terminate()
        out, _ = proc.communicate(timeout=30)
    assert "No user yet" in out and "ccecon users add NAME --workspace TEAM" in out


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
