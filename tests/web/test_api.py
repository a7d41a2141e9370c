"""The JSON API through FastAPI's TestClient: credentials, workspaces, compute endpoints."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest
from fastapi.testclient import TestClient

from ccecon.web.app import create_app
from ccecon.web.store import Store
from tests.fuzz.hostile import API_ENDPOINTS

EXAMPLES = Path(__file__).resolve().parents[2] / "examples"
USD = (EXAMPLES / "usd-onprem-to-cloud.yaml").read_text(encoding="utf-8")
UNCERTAIN = (EXAMPLES / "uncertain-chatbot.yaml").read_text(encoding="utf-8")
SOURCING = (EXAMPLES / "sourcing-cny-seed004.yaml").read_text(encoding="utf-8")


@pytest.fixture
def env(sqlite_store: Store) -> Iterator[tuple[TestClient, dict[str, str], dict[str, str]]]:
    ann = sqlite_store.add_user("ann", "password-a", "alpha")
    bob = sqlite_store.add_user("bob", "password-b", "beta")
    a = {"Authorization": f"Bearer {sqlite_store.new_token(ann.id)}"}
    b = {"Authorization": f"Bearer {sqlite_store.new_token(bob.id)}"}
    with TestClient(create_app(store=sqlite_store)) as client:
        yield client, a, b


def test_no_credentials_401(env: tuple[TestClient, dict[str, str], dict[str, str]]) -> None:
    client, _, _ = env
    for method, url in [
        ("get", "/api/scenarios"),
        ("get", "/api/scenarios/1"),
        ("delete", "/api/scenarios/1"),
        ("post", "/api/evaluate"),
        ("post", "/api/staff"),
    ]:
        assert client.request(method, url, json={"text": USD}).status_code == 401
        bad = {"Authorization": "Bearer cce_not-a-token"}
        assert client.request(method, url, json={"text": USD}, headers=bad).status_code == 401
    # a session cookie is not a credential for the API
    client.cookies.set("ccecon_session", "x")
    assert client.get("/api/scenarios").status_code == 401
    client.cookies.clear()


def test_other_workspace_is_invisible(
    env: tuple[TestClient, dict[str, str], dict[str, str]],
) -> None:
    client, a, b = env
    made = client.post("/api/scenarios", json={"text": USD}, headers=a)
    assert made.status_code == 201, made.text
    sid = made.json()["scenario_id"]
    assert [s["id"] for s in client.get("/api/scenarios", headers=a).json()] == [sid]
    assert client.get("/api/scenarios", headers=b).json() == []
    missing = client.get(f"/api/scenarios/{sid + 999}", headers=b)
    for method, url, body in [
        ("get", f"/api/scenarios/{sid}", None),
        ("get", f"/api/scenarios/{sid}/versions", None),
        ("get", f"/api/scenarios/{sid}/diff?a=1&b=1", None),
        ("get", f"/api/scenarios/{sid}/evaluate", None),
        ("put", f"/api/scenarios/{sid}", {"text": USD}),
        ("delete", f"/api/scenarios/{sid}", None),
    ]:
        r = client.request(method, url, json=body, headers=b)
        # same status and body as an id that does not exist: existence is not revealed
        assert (
            (r.status_code, r.json())
            == (missing.status_code, missing.json())
            == (
                404,
                {"detail": "not found"},
            )
        )
    assert client.get(f"/api/scenarios/{sid}", headers=a).json()["version"] == 1


def test_versions_and_diff(env: tuple[TestClient, dict[str, str], dict[str, str]]) -> None:
    client, a, _ = env
    sid = client.post("/api/scenarios", json={"text": USD}, headers=a).json()["scenario_id"]
    r = client.put(f"/api/scenarios/{sid}", json={"text": USD.replace("0.10", "0.12")}, headers=a)
    assert r.json()["version"] == 2
    d = client.get(f"/api/scenarios/{sid}/diff?a=1&b=2", headers=a).json()["diff"]
    assert "+discount_rate: 0.12" in d
    one = client.get(f"/api/scenarios/{sid}/evaluate?version=1", headers=a).json()
    two = client.get(f"/api/scenarios/{sid}/evaluate", headers=a).json()
    assert two["metrics"]["npv"] < one["metrics"]["npv"]  # a higher rate discounts more
    assert client.delete(f"/api/scenarios/{sid}", headers=a).status_code == 204
    assert client.get("/api/scenarios", headers=a).json() == []


def test_bad_scenario_is_422_with_field_and_value(
    env: tuple[TestClient, dict[str, str], dict[str, str]],
) -> None:
    client, a, _ = env
    bad = USD.replace("horizon_months: 36", "horizon_months: -3")
    for url in ("/api/validate", "/api/evaluate", "/api/scenarios"):
        r = client.post(url, json={"text": bad}, headers=a)
        assert r.status_code == 422, url
        body = r.json()
        assert body["field"] == "horizon_months" and body["value"] == -3
    assert client.post("/api/evaluate", json={"text": ""}, headers=a).status_code == 422
    assert client.post("/api/evaluate", json={"text": "a: [1"}, headers=a).status_code == 422
    assert client.get("/api/scenarios", headers=a).json() == []  # nothing saved


def test_compute_endpoints_match_the_library(
    env: tuple[TestClient, dict[str, str], dict[str, str]],
) -> None:
    from ccecon.engine import evaluate
    from ccecon.queueing import required_agents
    from ccecon.scenario.load import parse_scenario

    client, a, _ = env
    doc = client.post("/api/evaluate", json={"text": USD}, headers=a).json()
    lib = evaluate(parse_scenario(USD))
    assert doc["metrics"]["npv"] == pytest.approx(float(lib.metrics.npv[0]), rel=1e-12)
    again = client.post("/api/evaluate", json={"text": USD}, headers=a)
    assert again.json() == doc  # the cached answer is the same document
    sim = client.post("/api/simulate", json={"text": UNCERTAIN, "draws": 50, "seed": 3}, headers=a)
    assert sim.status_code == 200 and sim.json()["draws"] == 50
    # a scenario without ranges: nothing to simulate, said plainly (not 50 identical draws)
    fixed = client.post("/api/simulate", json={"text": USD, "draws": 50, "seed": 3}, headers=a)
    assert fixed.status_code == 422
    assert fixed.json()["detail"].startswith("nothing in this scenario is uncertain")
    cmp_ = client.post("/api/compare", json={"text": SOURCING}, headers=a).json()
    assert set(cmp_["options"]) == {"in-house", "outsourced", "hosted", "hybrid"}
    staff = client.post(
        "/api/staff",
        json={"calls": 100, "aht_s": 180, "interval_s": 1800, "sl_target": 0.8},
        headers=a,
    ).json()
    assert staff["agents"] == int(required_agents(100, 180, 1800, sl_target=0.8, sl_threshold_s=20))
    rep = client.post("/api/report", json={"text": USD, "format": "html"}, headers=a)
    assert rep.status_code == 200 and rep.headers["content-type"].startswith("text/html")
    assert b"<html" in rep.content[:500].lower()
    xl = client.post("/api/report", json={"text": USD, "format": "xlsx"}, headers=a)
    assert xl.content[:2] == b"PK"  # a zip container: the workbook
    pdf = client.post("/api/report", json={"text": USD, "format": "pdf"}, headers=a)
    assert pdf.status_code == 200 and pdf.headers["content-type"] == "application/pdf"
    assert pdf.content[:5] == b"%PDF-" and len(pdf.content) > 10_000


def test_openapi_schema_and_no_cdn_docs(
    env: tuple[TestClient, dict[str, str], dict[str, str]],
) -> None:
    client, _, _ = env
    schema = client.get("/openapi.json").json()
    for path in ("/api/evaluate", "/api/simulate", "/api/compare", "/api/staff", "/api/report"):
        assert path in schema["paths"]
    assert client.get("/docs").status_code == 404  # Swagger UI would load from a CDN
    # real response models, not `{}`: the compute answers name their documents
    for path, model in (
        ("/api/validate", "ValidateDoc"),
        ("/api/evaluate", "EvaluateDoc"),
        ("/api/simulate", "SimulateDoc"),
        ("/api/compare", "CompareDoc"),
        ("/api/staff", "StaffDoc"),
        ("/api/targets/plan", "TargetsDoc"),
    ):
        ok = schema["paths"][path]["post"]["responses"]["200"]["content"]["application/json"]
        assert ok["schema"] == {"$ref": f"#/components/schemas/{model}"}, path
        bad = schema["paths"][path]["post"]["responses"]["422"]["content"]["application/json"]
        assert bad["schema"] == {"$ref": "#/components/schemas/ErrorDoc"}, path
    assert "npv" in schema["components"]["schemas"]["MetricsDoc"]["required"]


def test_twenty_parallel_puts_over_http_give_twenty_versions(store: Store) -> None:
    """Twenty clients save the same scenario at once through a real server (uvicorn on
    loopback) on each backend: versions 2..21, every text kept."""
    from concurrent.futures import ThreadPoolExecutor

    import httpx

    from tests.web.conftest import Server

    ann = store.add_user("ann", "password-a", "alpha")
    auth = {"Authorization": f"Bearer {store.new_token(ann.id)}"}
    with Server(store) as srv, httpx.Client(base_url=srv.url, headers=auth, timeout=60) as c:
        sid = c.post("/api/scenarios", json={"text": USD}).json()["scenario_id"]

        def put(i: int) -> int:
            r = c.put(f"/api/scenarios/{sid}", json={"text": f"{USD}\n# save {i}\n"})
            assert r.status_code == 200, r.text
            return int(r.json()["version"])

        with ThreadPoolExecutor(max_workers=20) as pool:
            got = sorted(pool.map(put, range(20)))
        history = c.get(f"/api/scenarios/{sid}/versions").json()
    assert got == list(range(2, 22))
    assert {v["text"] for v in history[1:]} == {f"{USD}\n# save {i}\n" for i in range(20)}


def test_engine_processes_answer_like_the_threads(sqlite_store: Store) -> None:
    """With engine processes, /api/evaluate gives the same documents and the same 422s as
    in-thread evaluation (errors cross the process boundary as documents)."""
    from ccecon.web import service

    ann = sqlite_store.add_user("ann", "password-a", "alpha")
    a = {"Authorization": f"Bearer {sqlite_store.new_token(ann.id)}"}
    bad = USD.replace("horizon_months: 36", "horizon_months: -3")
    text = f"{USD}\n# engine process test\n"  # not in the cache of this test process
    service.EVALUATE_CACHE.clear()
    with TestClient(create_app(store=sqlite_store, engine_processes=1)) as client:
        got = client.post("/api/evaluate", json={"text": text}, headers=a)
        wrong = client.post("/api/evaluate", json={"text": bad}, headers=a)
    assert got.status_code == 200
    assert service.cached_evaluation(text) == got.content  # kept for the next request
    service.EVALUATE_CACHE.clear()
    with TestClient(create_app(store=sqlite_store)) as client:
        same = client.post("/api/evaluate", json={"text": text}, headers=a)
        wrong_here = client.post("/api/evaluate", json={"text": bad}, headers=a)
    assert got.content == same.content
    assert (wrong.status_code, wrong.json()) == (wrong_here.status_code, wrong_here.json())
    assert wrong.status_code == 422 and wrong.json()["field"] == "horizon_months"


def test_a_killed_engine_process_is_replaced(sqlite_store: Store) -> None:
    """An engine process that dies (SIGKILL, as the kernel's out-of-memory killer would)
    is replaced: the next new text, sent at once, is evaluated by a new process."""
    import os
    import signal

    from ccecon.web import service

    ann = sqlite_store.add_user("ann", "password-a", "alpha")
    a = {"Authorization": f"Bearer {sqlite_store.new_token(ann.id)}"}
    service.EVALUATE_CACHE.clear()
    app = create_app(store=sqlite_store, engine_processes=1)
    with TestClient(app) as client:
        first = client.post("/api/evaluate", json={"text": f"{USD}\n# before\n"}, headers=a)
        (pid,) = app.state.engines.pids()
        os.kill(pid, signal.SIGKILL)
        after = client.post("/api/evaluate", json={"text": f"{USD}\n# after\n"}, headers=a)
        (new_pid,) = app.state.engines.pids()
    assert first.status_code == after.status_code == 200
    assert new_pid != pid
    assert after.json()["metrics"] == first.json()["metrics"]


def test_targets_plan_is_the_cli_document(
    env: tuple[TestClient, dict[str, str], dict[str, str]],
) -> None:
    import json

    from typer.testing import CliRunner

    from ccecon.cli.app import app

    client, a, _ = env
    path = EXAMPLES / "targets-445.yaml"
    text = path.read_text(encoding="utf-8")
    cli = CliRunner().invoke(app, ["targets", "plan", str(path), "--format", "json"])
    assert cli.exit_code == 0, cli.output
    r = client.post("/api/targets/plan", json={"text": text}, headers=a)
    assert r.status_code == 200
    assert r.json() == json.loads(cli.output)
    weeks = client.post("/api/targets/plan", json={"text": text, "level": "week"}, headers=a)
    assert len(weeks.json()["periods"]) == 52
    assert sum(p["target"] for p in weeks.json()["periods"]) == pytest.approx(12_000_000)
    bad = client.post(
        "/api/targets/plan", json={"text": text.replace("goal: 12000000", "goal: -5")}, headers=a
    )
    assert bad.status_code == 422 and bad.json()["field"] == "goal"
    assert client.post("/api/targets/plan", json={"text": text}).status_code == 401


def test_concurrent_requests_share_one_token_lookup(sqlite_store: Store) -> None:
    """Twenty requests with a token that is not cached (first use, or its entry expired)
    send one database lookup, not twenty, and all get in."""
    import asyncio
    import threading
    import time

    import httpx

    ann = sqlite_store.add_user("ann", "password-a", "alpha")
    token = sqlite_store.new_token(ann.id)
    calls: list[str] = []
    real = sqlite_store.user_by_token
    lock = threading.Lock()

    def slow_lookup(tok: str):  # type: ignore[no-untyped-def]
        with lock:
            calls.append(tok)
        time.sleep(0.2)  # the others arrive meanwhile
        return real(tok)

    sqlite_store._token_cache.clear()
    sqlite_store.user_by_token = slow_lookup  # type: ignore[method-assign,assignment]
    app = create_app(store=sqlite_store)

    async def run() -> list[int]:
        transport = httpx.ASGITransport(app=app)
        async with httpx.AsyncClient(transport=transport, base_url="http://t") as c:
            rs = await asyncio.gather(
                *(
                    c.get("/api/scenarios", headers={"Authorization": f"Bearer {token}"})
                    for _ in range(20)
                )
            )
        return [r.status_code for r in rs]

    assert asyncio.run(run()) == [200] * 20
    assert len(calls) == 1


COMPUTE = [*API_ENDPOINTS, "/api/targets/plan"]


def test_a_lone_surrogate_is_a_422_on_every_endpoint(
    env: tuple[TestClient, dict[str, str], dict[str, str]],
) -> None:
    """A lone surrogate (JSON "\\ud800") gave 500 on these 7 endpoints: the 422 answer
    echoed it and could not be encoded. In the text, in a list, past the size limit."""
    client, a, _ = env
    headers = {**a, "content-type": "application/json"}
    for body in [
        '{"text": "name: \\ud800\\n"}',
        '{"text": ["\\ud800"]}',
        '{"text": "' + "x" * 1_000_001 + '\\ud800"}',
    ]:
        for url in COMPUTE:
            r = client.post(url, content=body, headers=headers)
            assert r.status_code == 422, (url, r.text[:200])
            assert len(r.content) < 1000


def test_error_bodies_echo_a_short_excerpt(
    env: tuple[TestClient, dict[str, str], dict[str, str]],
) -> None:
    """A 422 answers at most an excerpt of the value: a text of 1,000,001 characters (one
    past the limit) and a scenario with a 900,000-character name are each answered in a
    few hundred bytes (the whole input came back before)."""
    client, a, _ = env
    long_text = client.post("/api/evaluate", json={"text": "x" * 1_000_001}, headers=a)
    long_name = client.post(
        "/api/validate",
        json={"text": f"name: {'n' * 900_000}\ncurrency: USD\nstart: 2027-01\nproposal: {{}}\n"},
        headers=a,
    )
    for r in (long_text, long_name):
        assert r.status_code == 422
        assert len(r.content) < 1000, len(r.content)
    assert long_name.json()["field"] == "name"


def test_texts_that_gave_500_are_422_with_the_field(
    env: tuple[TestClient, dict[str, str], dict[str, str]],
) -> None:
    """A 5,000-digit horizon, a ramp of 10^400 and a start in 9999 gave 500 on validate
    and on saving (and killed engine processes); now each is a 422, and nothing is
    stored."""
    client, a, _ = env
    texts = {
        USD.replace("horizon_months: 36", "horizon_months: " + "9" * 5000): None,
        USD.replace("ramp_months: 6", "ramp_months: 1" + "0" * 400, 1): (
            "proposal.levers[0].ramp_months"
        ),
        USD.replace("start: 2027-04", "start: 9999-12"): "start",
    }
    for text, field in texts.items():
        for url in ("/api/validate", "/api/scenarios", "/api/evaluate"):
            r = client.post(url, json={"text": text}, headers=a)
            assert r.status_code == 422, (url, r.text[:300])
            assert r.json()["field"] == field
    assert client.get("/api/scenarios", headers=a).json() == []


def test_a_bad_level_names_the_request_field(
    env: tuple[TestClient, dict[str, str], dict[str, str]],
) -> None:
    """The API names its own field (``level``), never the command line's ``--level``."""
    client, a, _ = env
    text = (EXAMPLES / "targets-445.yaml").read_text(encoding="utf-8")
    bad = client.post("/api/targets/plan", json={"text": text, "level": "decade"}, headers=a)
    assert bad.status_code == 422 and "--" not in bad.text
    assert [e["loc"] for e in bad.json()["detail"]] == [["body", "level"]]
    # behind the request's validation, the service itself names the same field
    from ccecon.errors import InputError
    from ccecon.web.service import error_doc, targets_doc

    with pytest.raises(InputError) as err:
        targets_doc(text, "decade")
    doc = error_doc(err.value)
    assert doc["field"] == "level" and doc["value"] == "decade" and "--" not in doc["detail"]
