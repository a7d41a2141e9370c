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
