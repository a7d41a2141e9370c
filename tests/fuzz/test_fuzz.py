"""The fuzz corpus in the suite (issue 22): seeded hostile scenario files through the CLI's
own code path and hostile API requests through the app. Each case ends in exit 0 with
finite headline results or exit 2 with a message naming the file (and the field where
there is one), never a traceback, under a per-case time limit. A failing case is written
out so it can be kept under ``tests/fuzz/regressions/``, which runs on every test run."""

from __future__ import annotations

import contextlib
import json
import math
import signal
import time
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from fastapi.testclient import TestClient
from typer.testing import CliRunner

from ccecon.cli.app import app as cli
from ccecon.engine import evaluate_checked
from ccecon.errors import InputError
from ccecon.scenario.load import load_scenario
from ccecon.web import service
from ccecon.web.app import create_app
from ccecon.web.store import Store
from tests.fuzz.conftest import record
from tests.fuzz.hostile import hostile_api_bodies, hostile_scenarios

SCENARIO_CASES = 2_000
"""Hostile scenario files a run checks (about 20 s on the 2-core machine)."""
CLI_EVERY = 20
"""One case in this many also runs as ``ccecon evaluate --format json`` (exit code, output)."""
API_CASES = 200
TIME_LIMIT_S = 10
"""Per case: a case still running after this is a failure (a hang), not a wait."""
REGRESSIONS = Path(__file__).parent / "regressions"
HEADLINE = ("total_benefit", "total_cost", "net", "npv")


class _Timeout(Exception):
    pass


def _alarm(signum: int, frame: Any) -> None:
    raise _Timeout


class _limit:
    """Interrupt the block after TIME_LIMIT_S (SIGALRM: the main thread only)."""

    def __enter__(self) -> None:
        signal.signal(signal.SIGALRM, _alarm)
        signal.setitimer(signal.ITIMER_REAL, TIME_LIMIT_S)

    def __exit__(self, *exc: Any) -> None:
        signal.setitimer(signal.ITIMER_REAL, 0)


def _finite_headline(doc: dict[str, Any]) -> bool:
    metrics = doc["metrics"]
    return all(isinstance(metrics[k], (int, float)) and math.isfinite(metrics[k]) for k in HEADLINE)


def check_file(path: Path, with_cli: bool) -> tuple[str | None, bool]:
    """(None, accepted) when the case behaves; (what went wrong, False) otherwise."""
    try:
        with _limit():
            try:
                result = evaluate_checked(load_scenario(path), str(path))
                if not _finite_headline(result.to_dict()):
                    return (
                        f"accepted with a non-finite headline: {result.to_dict()['metrics']}",
                        False,
                    )
                accepted = True
            except InputError as exc:
                if exc.file != str(path) or len(str(exc)) > 2_000:
                    return f"the message names no file or is too long: {str(exc)[:300]}", False
                accepted = False
            if with_cli:
                for fmt in ("json", "table"):  # the table: names printed through rich
                    out = CliRunner().invoke(cli, ["evaluate", str(path), "--format", fmt])
                    if out.exit_code != (0 if accepted else 2) or "Traceback" in out.output:
                        return f"CLI {fmt} exit {out.exit_code}: {out.output[-300:]}", False
                    if fmt == "json" and accepted and not _finite_headline(json.loads(out.stdout)):
                        return "the CLI's JSON has a non-finite headline", False
    except _Timeout:
        return f"still running after {TIME_LIMIT_S} s", False
    except Exception as exc:  # the failure this corpus looks for
        return f"{type(exc).__name__}: {str(exc)[:300]}", False
    return None, accepted


def _run(cases: Iterator[tuple[str, str, str]], tmp_path: Path, kind: str) -> list[str]:
    failures = []
    for n, (case, text, suffix) in enumerate(cases):
        path = tmp_path / f"{case}{suffix}"
        path.write_text(text, encoding="utf-8", errors="surrogatepass")
        t0 = time.perf_counter()
        problem, accepted = check_file(path, with_cli=n % CLI_EVERY == 0)
        record(kind, time.perf_counter() - t0, accepted)
        if problem is not None:
            failures.append(f"{path}: {problem}")
        else:
            path.unlink()
    return failures


def test_hostile_scenario_files(tmp_path: Path) -> None:
    failures = _run(hostile_scenarios(SCENARIO_CASES), tmp_path, "scenario files")
    assert not failures, (
        f"{len(failures)} failing cases (copy them to tests/fuzz/regressions/):\n"
        + "\n".join(failures[:20])
    )


REGRESSION_FILES = sorted(p for p in REGRESSIONS.iterdir() if p.suffix in {".yaml", ".json"})
assert REGRESSION_FILES, "the regression files are missing"


@pytest.mark.parametrize("path", REGRESSION_FILES, ids=[p.name for p in REGRESSION_FILES])
def test_regression_file(path: Path) -> None:
    """Every failure the corpus (or an outside tester) ever found, kept as a file."""
    t0 = time.perf_counter()
    problem, accepted = check_file(path, with_cli=True)
    if accepted:  # simulate too (the web's path): a document or a user error
        with _limit(), contextlib.suppress(InputError):
            service.simulate_doc(path.read_text(encoding="utf-8"), 50, 0)
    record("regression files", time.perf_counter() - t0, accepted)
    assert problem is None, problem


@pytest.fixture
def client(tmp_path: Path) -> Iterator[tuple[TestClient, dict[str, str]]]:
    store = Store(f"sqlite:///{tmp_path / 'store.sqlite3'}")
    user = store.add_user("fuzz", "password-f", "fuzz")
    headers = {
        "Authorization": f"Bearer {store.new_token(user.id)}",
        "content-type": "application/json",
    }
    with TestClient(create_app(store=store), raise_server_exceptions=False) as c:
        yield c, headers
    store.close()


def test_hostile_api_texts(client: tuple[TestClient, dict[str, str]]) -> None:
    """No 5xx, a 422 names the problem in a short body, a 200 evaluate is finite."""
    c, headers = client
    failures = []
    for case, url, body in hostile_api_bodies(API_CASES):
        t0 = time.perf_counter()
        with _limit():
            r = c.post(url, content=body, headers=headers)
        elapsed = time.perf_counter() - t0
        record("API texts", elapsed, r.status_code < 400)
        if r.status_code not in (200, 201, 422):
            failures.append(f"{case} {url}: {r.status_code} {r.text[:200]}")
        elif r.status_code == 422 and (len(r.content) > 5_000 or "detail" not in r.json()):
            failures.append(f"{case} {url}: 422 body of {len(r.content):,} bytes")
        elif r.status_code == 200 and url.endswith("evaluate") and not _finite_headline(r.json()):
            failures.append(f"{case} {url}: non-finite headline")
    assert not failures, "\n".join(failures[:20])
