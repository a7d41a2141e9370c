"""The store on SQLite and on a real PostgreSQL server: versions, access, concurrency,
transactions."""

from __future__ import annotations

from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

import pytest
import sqlalchemy as sa

from ccecon.web.store import NotFound, Store, versions


def test_every_save_is_a_new_version_and_diff(store: Store) -> None:
    ann = store.add_user("ann", "password-a", "alpha")
    v1 = store.create(ann, "case", "name: a\nhorizon_months: 12\n")
    v2 = store.save(ann, v1.scenario_id, "name: a\nhorizon_months: 24\n")
    assert (v1.version, v2.version) == (1, 2)
    assert [v.version for v in store.versions(ann, v1.scenario_id)] == [1, 2]
    assert store.version(ann, v1.scenario_id, 1).text.endswith("12\n")  # kept, not overwritten
    d = store.diff(ann, v1.scenario_id, 1, 2)
    assert "-horizon_months: 12" in d and "+horizon_months: 24" in d


def test_workspaces_are_walls(store: Store) -> None:
    ann = store.add_user("ann", "password-a", "alpha")
    bob = store.add_user("bob", "password-b", "beta")
    sid = store.create(ann, "secret", "name: s\n").scenario_id
    assert store.list_scenarios(bob) == []
    for call in (
        lambda: store.version(bob, sid),
        lambda: store.save(bob, sid, "name: hijack\n"),
        lambda: store.delete(bob, sid),
        lambda: store.versions(bob, sid),
        lambda: store.diff(bob, sid, 1, 1),
    ):
        with pytest.raises(NotFound) as taken:
            call()
        # the same answer as for an id that does not exist at all
        assert "not found" in str(taken.value)
    with pytest.raises(NotFound) as missing:
        store.version(bob, sid + 1000)
    assert str(missing.value) == str(taken.value)
    assert [v.version for v in store.versions(ann, sid)] == [1]  # nothing changed
    joined = store.join("bob", "alpha")
    assert set(joined.workspaces.values()) == {"alpha", "beta"}
    assert [s.id for s in store.list_scenarios(joined)] == [sid]


def test_twenty_parallel_saves_give_twenty_versions(store: Store) -> None:
    ann = store.add_user("ann", "password-a", "alpha")
    sid = store.create(ann, "busy", "name: v0\n").scenario_id

    def save(i: int) -> int:
        return store.save(ann, sid, f"name: v{i}\n").version

    with ThreadPoolExecutor(max_workers=20) as pool:
        got = sorted(pool.map(save, range(1, 21)))
    assert got == list(range(2, 22))
    texts = {v.text for v in store.versions(ann, sid)}
    assert texts == {f"name: v{i}\n" for i in range(21)}  # none lost
    assert store.info(ann, sid).latest_version == 21


def test_a_failed_save_leaves_earlier_versions(store: Store) -> None:
    """A save that fails in the middle (here: the version row collides) rolls back as a
    whole: the head still points at the last good version and nothing half-written stays."""
    ann = store.add_user("ann", "password-a", "alpha")
    sid = store.create(ann, "c", "name: one\n").scenario_id
    with store.engine.begin() as c:  # someone wrote version 2 behind the store's back
        c.execute(
            versions.insert().values(
                scenario_id=sid,
                version=2,
                text="name: stray\n",
                author_id=ann.id,
                created_at=sa.func.now(),
            )
        )
    with pytest.raises(sa.exc.IntegrityError):
        store.save(ann, sid, "name: two\n")
    assert store.info(ann, sid).latest_version == 1
    assert store.version(ann, sid).text == "name: one\n"


def test_passwords_are_argon2_and_tokens_hashed(store: Store) -> None:
    ann = store.add_user("ann", "password-a", "alpha")
    with store.engine.connect() as c:
        stored = c.execute(sa.text("SELECT password_hash FROM users")).scalar_one()
    assert stored.startswith("$argon2id$") and "password-a" not in stored
    assert store.authenticate("ann", "password-a") == ann
    assert store.authenticate("ann", "password-b") is None
    assert store.authenticate("nobody", "password-a") is None
    token = store.new_token(ann.id)
    with store.engine.connect() as c:
        kept = c.execute(sa.text("SELECT token_sha256 FROM api_tokens")).scalar_one()
    assert token not in kept and len(kept) == 64
    assert store.user_by_token(token) == ann
    assert store.user_by_token(token + "x") is None


MIGRATIONS = Path(__file__).resolve().parents[2] / "src/ccecon/web/migrations/versions"


def test_migrations_are_idempotent(store: Store) -> None:
    again = Store(store.url)  # runs `alembic upgrade head` again on the same database
    assert again.user_count() == store.user_count()
    newest = sorted(p.name[:4] for p in MIGRATIONS.glob("[0-9][0-9][0-9][0-9]_*.py"))[-1]
    with again.engine.connect() as c:
        assert c.execute(sa.text("SELECT version_num FROM alembic_version")).scalar_one() == newest
    again.close()


WRITER = """
import sys
from ccecon.web.store import Store

store = Store(sys.argv[1])
user = store.user(int(sys.argv[2]))
sid = int(sys.argv[3])
i = 0
while True:
    i += 1
    v = store.save(user, sid, f"name: w{i}\\n# " + "x" * 200_000 + "\\n")
    print(v.version, i, flush=True)  # acknowledged: committed before this line is written
"""


def test_a_killed_writer_loses_no_saved_version(store: Store) -> None:
    """A process killed (SIGKILL) in the middle of its saves: every save it was told had
    succeeded is there, the head points at the last whole version, and saving goes on."""
    import subprocess
    import sys

    ann = store.add_user("ann", "password-a", "alpha")
    sid = store.create(ann, "crash", "name: v0\n").scenario_id
    proc = subprocess.Popen(
        [sys.executable, "-c", WRITER, store.url, str(ann.id), str(sid)],
        stdout=subprocess.PIPE,
        text=True,
    )
    assert proc.stdout is not None
    acked: dict[int, int] = {}
    for line in proc.stdout:
        version, i = map(int, line.split())
        acked[version] = i
        if len(acked) >= 15:
            proc.kill()  # SIGKILL: no cleanup, likely in the middle of the next save
            break
    rest, _ = proc.communicate(timeout=30)
    for line in rest.splitlines():
        version, i = map(int, line.split())
        acked[version] = i
    assert proc.returncode == -9 and len(acked) >= 15
    kept = {v.version: v.text for v in store.versions(ann, sid)}
    for version, i in acked.items():
        assert kept[version].startswith(f"name: w{i}\n")
    head = store.info(ann, sid).latest_version
    assert sorted(kept) == list(range(1, head + 1))  # no gap, no half-written head
    assert store.save(ann, sid, "name: after\n").version == head + 1
