"""Sessions end on the server, sign-ins are throttled, tokens expire and can be revoked,
and the store file is private.

Each test replays what an attacker would hold: a session cookie copied before logout, a
password change or the user's removal; a token after revocation or expiry; a stream of
wrong passwords. The expected answers are the app's documented ones (docs/security.md).
"""

from __future__ import annotations

import datetime as dt
import hashlib
import os
import stat
import time
from collections.abc import Iterator
from pathlib import Path

import pytest
import sqlalchemy as sa
from fastapi.testclient import TestClient
from typer.testing import CliRunner

from ccecon.cli.app import app as cli
from ccecon.web.app import create_app
from ccecon.web.security import LoginThrottle
from ccecon.web.store import SESSION_IDLE_S, SESSION_LIFETIME_S, Store, tokens
from tests.web.test_pages import csrf_of, log_in


@pytest.fixture
def client(sqlite_store: Store) -> Iterator[tuple[Store, TestClient]]:
    sqlite_store.add_user("ann", "password-a", "alpha")
    with TestClient(create_app(store=sqlite_store)) as c:
        yield sqlite_store, c


def _replay(c: TestClient, cookie: str) -> int:
    """Status of the list page asked with only ``cookie`` as the session."""
    c.cookies.clear()
    c.cookies.set("ccecon_session", cookie)
    return c.get("/", follow_redirects=False).status_code


def test_a_session_cookie_copied_before_logout_no_longer_works(
    client: tuple[Store, TestClient],
) -> None:
    _, c = client
    token = log_in(c, "ann", "password-a")
    copied = c.cookies["ccecon_session"]
    assert _replay(c, copied) == 200
    r = c.post("/logout", data={"csrf": token}, follow_redirects=False)
    assert r.status_code == 303
    assert _replay(c, copied) == 303  # sent to the login page


@pytest.mark.parametrize("how", ["password", "remove"])
def test_password_change_and_removal_end_every_session(
    client: tuple[Store, TestClient], tmp_path: Path, how: str
) -> None:
    store, c = client
    store_id = store.user_id("ann")
    log_in(c, "ann", "password-a")
    first = c.cookies["ccecon_session"]
    c.cookies.clear()
    log_in(c, "ann", "password-a")
    second = c.cookies["ccecon_session"]
    assert _replay(c, first) == 200 and _replay(c, second) == 200
    args = ["users", how, "ann", "--db", store.url]
    if how == "password":
        args += ["--password", "password-new"]
    out = CliRunner().invoke(cli, args)
    assert out.exit_code == 0, out.output
    assert _replay(c, first) == 303 and _replay(c, second) == 303
    c.cookies.clear()
    if how == "password":
        assert store.authenticate("ann", "password-a") is None
        log_in(c, "ann", "password-new")
    else:
        assert store.authenticate("ann", "password-a") is None
        assert store.user(store_id).workspaces == {}  # left every workspace


def test_sessions_end_after_their_lifetime_and_when_idle(client: tuple[Store, TestClient]) -> None:
    store, c = client
    for seconds_ago in (SESSION_IDLE_S + 5, SESSION_LIFETIME_S + 5):
        c.cookies.clear()
        log_in(c, "ann", "password-a")
        cookie = c.cookies["ccecon_session"]
        with store.engine.begin() as conn:
            digest = conn.execute(
                sa.text("SELECT id_sha256 FROM sessions ORDER BY created_at DESC LIMIT 1")
            ).scalar_one()
        store._expire_session(digest, seconds_ago)
        assert _replay(c, cookie) == 303, seconds_ago


def test_wrong_passwords_are_throttled_per_account_and_unknown_names_alike(
    client: tuple[Store, TestClient],
) -> None:
    store, c = client

    def attempt(name: str, password: str) -> tuple[int, str]:
        r = c.post(
            "/login",
            data={"name": name, "password": password, "csrf": csrf_of(c)},
            follow_redirects=False,
        )
        return r.status_code, r.text

    for name in ("ann", "nobody"):
        answers = [attempt(name, "wrong-password")[0] for _ in range(5)]
        assert answers == [200] * 5  # five free tries, each "wrong"
        status, page = attempt(name, "wrong-password")
        assert status == 429 and "Too many failed sign-ins" in page
    # locked: the right password is refused too, with the same answer as for "nobody"
    status, page = attempt("ann", "password-a")
    assert status == 429 and "Too many failed sign-ins" in page
    assert attempt("nobody", "password-a")[0] == 429
    # another account from another address is not locked by ann's failures
    store.add_user("bob", "password-b", "beta")
    throttle: LoginThrottle = c.app.state.login_throttle  # type: ignore[attr-defined]
    assert throttle.wait_s(*throttle.keys("bob", "10.0.0.9")) == 0


def test_back_off_doubles_and_a_success_clears_the_account() -> None:
    t = LoginThrottle(free=5, free_per_address=20, base_s=30, max_s=900)
    keys = t.keys("Ann ", "10.0.0.1")
    assert keys == t.keys("ann", "10.0.0.1")  # names compared as typed at login, casefolded
    for i in range(5):
        t.failed(*keys, now=100.0 + i)
    assert t.wait_s(*keys, now=104.0) == pytest.approx(30.0)  # 5th failure at 104: 30 s
    t.failed(*keys, now=200.0)
    assert t.wait_s(*keys, now=200.0) == pytest.approx(60.0)  # 6th: doubled
    for _ in range(20):
        t.failed(*keys, now=300.0)
    assert t.wait_s(*keys, now=300.0) == pytest.approx(900.0)  # capped at 15 min
    t.succeeded(keys[0])
    # the address stays slowed (26 failures > 20 free): 2**6 x 30 s capped at 900 s
    assert t.wait_s(*keys, now=300.0) == pytest.approx(900.0)
    assert t.wait_s(t.keys("ann", "10.0.0.2")[0], now=300.0) == 0


def test_revoked_and_expired_tokens_answer_401(client: tuple[Store, TestClient]) -> None:
    store, c = client
    ann_id = store.user_id("ann")
    live, revoked, expired = (store.new_token(ann_id) for _ in range(3))
    listed = store.list_tokens(ann_id)
    assert [k.active for k in listed] == [True, True, True]
    store.revoke_token(ann_id, listed[1].id)
    with store.engine.begin() as conn:
        conn.execute(
            tokens.update()
            .where(tokens.c.token_sha256 == hashlib.sha256(expired.encode()).hexdigest())
            .values(expires_at=dt.datetime.now(dt.UTC) - dt.timedelta(seconds=1))
        )
    c.cookies.clear()
    for token, status in ((live, 200), (revoked, 401), (expired, 401)):
        r = c.get("/api/scenarios", headers={"Authorization": f"Bearer {token}"})
        assert r.status_code == status, token
    states = [(k.revoked, k.active) for k in store.list_tokens(ann_id)]
    assert states == [(False, True), (True, False), (False, False)]


def test_a_token_revoked_on_the_account_page_stops_at_once(
    client: tuple[Store, TestClient],
) -> None:
    store, c = client
    csrf = log_in(c, "ann", "password-a")
    token = store.new_token(store.user_id("ann"))
    api = {"Authorization": f"Bearer {token}"}
    assert c.get("/api/scenarios", headers=api).status_code == 200  # now cached
    (k,) = store.list_tokens(store.user_id("ann"))
    page = c.get("/account").text
    assert f'id="revoke-{k.id}"' in page
    assert c.post(f"/ui/token/{k.id}/revoke", data={"csrf": "forged"}).status_code == 403
    r = c.post(f"/ui/token/{k.id}/revoke", data={"csrf": csrf}, follow_redirects=False)
    assert r.status_code == 303
    assert c.get("/api/scenarios", headers=api).status_code == 401
    # someone else's token id is not found, like a missing one
    store.add_user("bob", "password-b", "beta")
    bob_token = store.new_token(store.user_id("bob"))
    (bk,) = store.list_tokens(store.user_id("bob"))
    assert c.post(f"/ui/token/{bk.id}/revoke", data={"csrf": csrf}).status_code == 404
    assert (
        c.get("/api/scenarios", headers={"Authorization": f"Bearer {bob_token}"}).status_code == 200
    )


def test_token_lifetime_from_the_cli(sqlite_store: Store) -> None:
    sqlite_store.add_user("ann", "password-a", "alpha")
    run = CliRunner()
    made = run.invoke(cli, ["users", "token", "ann", "--days", "7", "--db", sqlite_store.url])
    assert made.exit_code == 0 and made.stdout.strip().startswith("cce_")  # store on stderr
    listed = run.invoke(cli, ["users", "tokens", "ann", "--db", sqlite_store.url])
    (k,) = sqlite_store.list_tokens(sqlite_store.user_id("ann"))
    assert k.expires_at is not None
    days = (dt.datetime.fromisoformat(k.expires_at) - dt.datetime.fromisoformat(k.created_at)).days
    assert days == 7 and f"#{k.id}" in listed.output and "active" in listed.output
    revoked = run.invoke(cli, ["users", "revoke", "ann", str(k.id), "--db", sqlite_store.url])
    assert revoked.exit_code == 0
    assert "revoked" in run.invoke(cli, ["users", "tokens", "ann", "--db", sqlite_store.url]).output
    again = run.invoke(cli, ["users", "revoke", "ann", str(k.id), "--db", sqlite_store.url])
    assert again.exit_code == 2 and "no active token" in again.output
    too_long = run.invoke(cli, ["users", "token", "ann", "--days", "400", "--db", sqlite_store.url])
    assert too_long.exit_code == 2


def test_the_store_file_and_its_secret_are_private(tmp_path: Path) -> None:
    old = os.umask(0o022)  # the usual umask, which would make a new file 0644
    try:
        path = tmp_path / "team.sqlite3"
        store = Store(f"sqlite:///{path}")
        store.secret()  # the session-signing secret is written into the file
        store.add_user("ann", "password-a", "alpha")
        for p in (path, Path(f"{path}-wal"), Path(f"{path}-shm")):
            if p.exists():
                assert stat.S_IMODE(p.stat().st_mode) == 0o600, p
        store.close()
        # an existing store made readable by others is made private when opened
        path.chmod(0o644)
        Store(f"sqlite:///{path}").close()
        assert stat.S_IMODE(path.stat().st_mode) == 0o600
    finally:
        os.umask(old)


def test_unknown_names_take_as_long_as_known_ones(client: tuple[Store, TestClient]) -> None:
    store, _ = client

    def median(name: str) -> float:
        times = []
        for _ in range(5):
            t0 = time.perf_counter()
            store.authenticate(name, "wrong-password")
            times.append(time.perf_counter() - t0)
        return sorted(times)[2]

    known, unknown = median("ann"), median("nobody")
    # both run one argon2id check (tens of ms); a missing check would be ~100x faster
    assert 0.5 < unknown / known < 2.0, (known, unknown)
