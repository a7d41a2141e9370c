"""The engine processes behind /api/evaluate: answers, order, and a process that dies."""

from __future__ import annotations

import asyncio
import os
import signal
from pathlib import Path
from typing import Any

import pytest

from ccecon.web import service
from ccecon.web.engines import EngineDied, EnginePool

EXAMPLES = Path(__file__).resolve().parents[2] / "examples"
USD = (EXAMPLES / "usd-onprem-to-cloud.yaml").read_text(encoding="utf-8")


def test_pool_answers_like_the_library_and_survives_a_death_in_flight() -> None:
    """Documents equal the in-process ones; 422s come back as documents; a process killed
    while it holds a request raises EngineDied for that exchange and is replaced (the
    pool's evaluate then sends the text again)."""

    async def run() -> None:
        pool = EnginePool(2)
        await pool.start()
        try:
            texts = [f"{USD}\n# {i}\n" for i in range(6)] + ["name: [unclosed"]
            got = await asyncio.gather(*(pool.evaluate(t) for t in texts))
            assert [s for s, _ in got] == [200] * 6 + [422]
            assert got[0][1] == service._evaluate_uncached(texts[0])
            assert got[-1] == service.evaluate_in_worker(texts[-1])

            # A death in the middle of a request: kill the process before it is asked,
            # then ask it directly (the pool's own check would have replaced it first).
            engine = await pool._acquire()
            os.kill(engine.process.pid or 0, signal.SIGKILL)
            await asyncio.get_running_loop().run_in_executor(None, engine.process.join, 10)
            with pytest.raises(EngineDied):
                await pool._exchange(engine, b"name: x")
            assert len(pool.pids()) == 2 and engine.process.pid not in pool.pids()
            status, _ = await pool.evaluate(f"{USD}\n# after\n")
            assert status == 200
        finally:
            pool.close()
        assert pool.pids() == []

    asyncio.run(run())


def test_processes_go_to_requests_strictly_in_order_of_arrival() -> None:
    """A process that comes free goes to the longest waiting request, even when a new
    request arrives before that one has run (asyncio.Queue would let the newcomer take it
    and send the waiter to the back of the line)."""

    async def run() -> None:
        pool = EnginePool(1)
        engine: Any = object()  # the queue does not look inside
        pool._release(engine)
        order: list[str] = []

        async def ask(name: str) -> None:
            got = await pool._acquire()
            order.append(name)
            await asyncio.sleep(0)
            pool._release(got)

        first = asyncio.create_task(ask("first"))
        await asyncio.sleep(0)  # first holds the process
        waiting = [asyncio.create_task(ask(f"w{i}")) for i in range(3)]
        await asyncio.sleep(0)  # w0, w1, w2 wait in that order
        late = asyncio.create_task(ask("late"))  # arrives as first releases
        await asyncio.gather(first, *waiting, late)
        assert order == ["first", "w0", "w1", "w2", "late"]

    asyncio.run(run())


# Texts that killed an engine process before (issue: any non-ccecon exception ended it):
# a 5,000-digit horizon (ValueError of Python's int limit), a ramp of 10^400 (OverflowError),
# a start near year 9999 (calendar.IllegalMonthError in staffing), an alias bomb, nesting
# 999 deep (RecursionError).
KILLERS = [
    USD.replace("horizon_months: 36", "horizon_months: " + "9" * 5000),
    USD.replace("ramp_months: 6", "ramp_months: 1" + "0" * 400, 1),
    USD.replace("start: 2027-04", "start: 9999-12"),
    "a: &a [x, x, x, x, x, x, x, x, x]\n"
    + "".join(
        f"{n}: &{n} [{', '.join([f'*{p}'] * 9)}]\n"
        for p, n in zip("abcdefgh", "bcdefghi", strict=True)
    ),
    "a: " + "[" * 999 + "]" * 999,
]


def test_engine_killing_texts_in_a_loop_while_valid_requests_run() -> None:
    """Every valid request is answered 200, every hostile one 422 with a short body, and
    no engine process is restarted (the same pids before and after)."""

    async def run() -> None:
        pool = EnginePool(2)
        await pool.start()
        try:
            pids = pool.pids()
            valid = [f"{USD}\n# {i}\n" for i in range(12)]
            hostile = KILLERS * 4
            got = await asyncio.gather(
                *(pool.evaluate(t) for t in valid), *(pool.evaluate(t) for t in hostile)
            )
            assert [s for s, _ in got[: len(valid)]] == [200] * len(valid)
            assert [s for s, _ in got[len(valid) :]] == [422] * len(hostile)
            assert max(len(b) for _, b in got[len(valid) :]) < 1000
            assert pool.pids() == pids
        finally:
            pool.close()

    asyncio.run(run())


def test_a_bug_in_an_engine_answers_500_logged_once(
    monkeypatch: pytest.MonkeyPatch, caplog: pytest.LogCaptureFixture
) -> None:
    """An exception that is not a user error becomes this request's 500 (logged once, its
    text not in the body), and the function returns instead of raising, so the engine
    loop goes on to the next request."""

    def broken(text: str) -> bytes:
        raise ZeroDivisionError("a bug")

    monkeypatch.setattr(service, "_evaluate_uncached", broken)
    with caplog.at_level("ERROR", logger="ccecon.web"):
        status, body = service.evaluate_in_worker("name: x\n" * 10_000)
    assert status == 500
    assert b"a bug" not in body and len(body) < 200
    assert [r.exc_info[0] for r in caplog.records if r.exc_info] == [ZeroDivisionError]
    assert len(caplog.records) == 1 and len(caplog.records[0].getMessage()) < 400
