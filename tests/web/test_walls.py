"""What already held under an outside tester's attacks, kept as tests: the API takes only
Bearer tokens, no path leaves /static or the report downloads, the login never redirects
off the site, and a server killed (SIGKILL) during concurrent saves loses no save it
acknowledged."""

from __future__ import annotations

import base64
import os
import signal
import subprocess
import sys
import threading
import time
from collections.abc import Iterator
from pathlib import Path

import httpx
import pytest
import sqlalchemy as sa
from fastapi.testclient import TestClient

from ccecon.web.app import create_app
from ccecon.web.store import Store
from tests.web.conftest import free_port
from tests.web.test_pages import USD, csrf_of, log_in, save_new


@pytest.fixture
def env(sqlite_store: Store) -> Iterator[tuple[Store, TestClient, str]]:
    ann = sqlite_store.add_user("ann", "password-a", "alpha")
    token = sqlite_store.new_token(ann.id)
    with TestClient(create_app(store=sqlite_store)) as c:
        yield sqlite_store, c, token


def test_the_api_takes_only_a_bearer_token(env: tuple[Store, TestClient, str]) -> None:
    _, c, token = env
    assert c.get("/api/scenarios", headers={"Authorization": f"Bearer {token}"}).status_code == 200
    log_in(c, "ann", "password-a")  # a valid page session ...
    assert c.get("/api/scenarios").status_code == 401  # ... is no API credential
    c.cookies.clear()
    basic = base64.b64encode(b"ann:password-a").decode()
    for headers, params in (
        ({"Authorization": f"Basic {basic}"}, {}),
        ({}, {"token": token}),
        ({}, {"access_token": token}),
        ({"Authorization": token}, {}),  # no scheme
        ({"X-API-Token": token}, {}),
    ):
        assert c.get("/api/scenarios", headers=headers, params=params).status_code == 401


def test_every_answer_carries_the_hardening_headers(env: tuple[Store, TestClient, str]) -> None:
    _, c, token = env
    csrf = log_in(c, "ann", "password-a")
    sid = save_new(c, csrf, USD)
    for url, headers in (
        ("/login", {}),
        ("/", {}),
        (f"/scenarios/{sid}/results", {}),
        ("/api/scenarios", {"Authorization": f"Bearer {token}"}),
        ("/no/such/page", {}),
    ):
        h = c.get(url, headers=headers).headers
        assert h["x-content-type-options"] == "nosniff", url
        assert h["referrer-policy"] == "same-origin", url
        assert "frame-ancestors 'none'" in h["content-security-policy"], url
        assert h["cache-control"] == "no-store", url  # workspace data is never cached
    assert "max-age" in c.get("/static/htmx.min.js").headers["cache-control"]
    assert "access-control-allow-origin" not in c.options("/api/scenarios").headers


TRAVERSALS = (
    "../app.py",
    "..%2fapp.py",
    "%2e%2e/app.py",
    "..%5capp.py",
    "....//app.py",
    "%252e%252e%252fapp.py",
    "/etc/passwd",
    "..%2f..%2f..%2fetc%2fpasswd",
    "templates/base.html.j2",
    "htmx.LICENSE",
)


def test_no_path_leaves_the_static_files_or_the_report_downloads(
    env: tuple[Store, TestClient, str],
) -> None:
    _, c, _ = env
    assert c.get("/static/htmx.min.js").status_code == 200
    for t in TRAVERSALS:
        r = c.get(f"/static/{t}")
        assert r.status_code == 404, (t, r.status_code)
        assert "import" not in r.text and "root:" not in r.text
    csrf = log_in(c, "ann", "password-a")
    sid = save_new(c, csrf, USD)
    assert c.get(f"/scenarios/{sid}/report.html").status_code == 200
    for t in TRAVERSALS:
        r = c.get(f"/scenarios/{sid}/report.{t}")
        assert r.status_code == 404, (t, r.status_code)


@pytest.mark.parametrize("target", ["https://evil.example/", "//evil.example/", "/\\evil.example"])
def test_login_never_redirects_off_the_site(
    env: tuple[Store, TestClient, str], target: str
) -> None:
    _, c, _ = env
    r = c.post(
        "/login",
        params={"next": target},
        data={"name": "ann", "password": "password-a", "csrf": csrf_of(c)},
        follow_redirects=False,
    )
    assert r.status_code == 303 and r.headers["location"] == "/"


def test_a_killed_server_loses_no_acknowledged_save(tmp_path: Path) -> None:
    """Four clients save as fast as they can through `ccecon serve`; the server is killed
    with SIGKILL twice in the middle of it. Every save the server answered 200 is in the
    store afterwards, under the version number it answered, and versions have no gaps."""
    url = f"sqlite:///{tmp_path / 'w.sqlite3'}"
    store = Store(url)
    ann = store.add_user("ann", "password-a", "alpha")
    auth = {"Authorization": f"Bearer {store.new_token(ann.id)}"}
    sid = store.create(ann, "kill test", USD).scenario_id
    store.close()
    exe = Path(sys.executable).with_name("ccecon")
    acked: list[tuple[int, str]] = []
    lock = threading.Lock()
    for round_ in range(2):
        port = free_port()
        proc = subprocess.Popen(
            [str(exe), "serve", "--port", str(port), "--db", url, "--engine-processes", "0"],
            stdout=subprocess.DEVNULL,
            stderr=subprocess.DEVNULL,
        )
        base = f"http://127.0.0.1:{port}"
        deadline = time.monotonic() + 60
        while True:
            try:
                httpx.get(base + "/login", timeout=2)
                break
            except httpx.HTTPError:
                assert time.monotonic() < deadline, "server did not start"
                time.sleep(0.1)
        stop = threading.Event()

        def client(
            k: int, base: str = base, round_: int = round_, stop: threading.Event = stop
        ) -> None:
            with httpx.Client(base_url=base, headers=auth, timeout=10) as c:
                i = 0
                while not stop.is_set():
                    text = f"{USD}\n# round {round_} client {k} save {i}\n"
                    i += 1
                    try:
                        r = c.put(f"/api/scenarios/{sid}", json={"text": text})
                    except httpx.HTTPError:
                        return  # the server died under us: this save was not acknowledged
                    if r.status_code == 200:
                        with lock:
                            acked.append((int(r.json()["version"]), text))

        threads = [threading.Thread(target=client, args=(k,)) for k in range(4)]
        for t in threads:
            t.start()
        # kill in the middle of real traffic: after at least 2 s and 12 saves this round
        before, began = len(acked), time.monotonic()
        while time.monotonic() - began < 2.0 or (
            len(acked) - before < 12 and time.monotonic() - began < 60
        ):
            time.sleep(0.05)
        os.kill(proc.pid, signal.SIGKILL)
        proc.wait(timeout=30)
        stop.set()
        for t in threads:
            t.join(timeout=30)
    assert len(acked) > 20  # the test saw real traffic
    eng = sa.create_engine(url)
    with eng.connect() as c:
        rows: dict[int, str] = dict(
            c.execute(
                sa.text("SELECT version, text FROM scenario_versions WHERE scenario_id = :s"),
                {"s": sid},
            ).all()
        )
    eng.dispose()
    for version, text in acked:
        assert rows.get(version) == text, version
    assert sorted(rows) == list(range(1, len(rows) + 1))
