"""The event loop's long lane (api/steps.Stepper) and the answers kept for repeats
(api/service.CostlyAnswers)."""

from __future__ import annotations

import asyncio
import time

import pytest

from moneytrail.api.service import CostlyAnswers
from moneytrail.api.steps import Stepper


def steps_of(name: str, count: int, log: list[str], work: float = 0.0):
    """A generator of ``count`` steps (each logged, each ``work`` seconds long) returning
    ``name``."""
    for i in range(count):
        log.append(f"{name}{i}")
        if work:
            time.sleep(work)
        if i < count - 1:
            yield
    return name


def run(coro):
    return asyncio.run(asyncio.wait_for(coro, timeout=10))  # (a lost turn would hang)


def test_every_request_finishes_whatever_its_length():
    """Requests of one step, several and many, started together and one after another, all
    return their values: the lane is handed on when its holder ends, not only when it
    yields (a holder that ended without handing it on left the others waiting forever)."""
    stepper = Stepper()
    log: list[str] = []

    async def main():
        first = [stepper.run(steps_of(f"r{i}-", 1 + i % 5, log)) for i in range(20)]
        done = await asyncio.gather(*first)
        later = await asyncio.gather(*(stepper.run(steps_of(f"s{i}-", 3, log))
                                       for i in range(5)))
        return done, later

    done, later = run(main())
    assert done == [f"r{i}-" for i in range(20)]
    assert later == [f"s{i}-" for i in range(5)]
    assert len(log) == sum(1 + i % 5 for i in range(20)) + 15
    assert stepper.waiting == 0


def test_the_least_served_request_takes_the_next_step():
    """A long request that has had three steps waits while one that has had one takes its
    steps; requests that just arrived run their first step beside the long lane."""
    stepper = Stepper()
    log: list[str] = []

    async def main():
        long = asyncio.create_task(stepper.run(steps_of("L", 8, log, work=0.002)))
        while len(log) < 3:
            await asyncio.sleep(0)
        short = asyncio.create_task(stepper.run(steps_of("S", 3, log, work=0.001)))
        return await asyncio.gather(long, short)

    assert run(main()) == ["L", "S"]
    # once the short one has had its first step, at most the step L was already given runs
    # before S's others (shared turn by turn, L would take one between each of them)
    between = log[log.index("S0"):log.index("S2")]
    assert sum(e.startswith("L") for e in between) <= 1
    assert log[-1] == "L7"


def test_a_dropped_request_hands_the_lane_on():
    """A request cancelled while it waits for its turn, or just after it was given one, does
    not keep the others waiting."""
    stepper = Stepper()
    log: list[str] = []

    async def main():
        a = asyncio.create_task(stepper.run(steps_of("A", 50, log)))
        b = asyncio.create_task(stepper.run(steps_of("B", 50, log)))
        c = asyncio.create_task(stepper.run(steps_of("C", 4, log)))
        while not any(e.startswith("A1") for e in log):
            await asyncio.sleep(0)
        a.cancel()  # waiting, or holding the lane
        await asyncio.sleep(0)
        b.cancel()
        with pytest.raises(asyncio.CancelledError):
            await a
        with pytest.raises(asyncio.CancelledError):
            await b
        return await c

    assert run(main()) == "C"
    assert stepper.waiting == 0


def test_a_failing_request_raises_and_the_others_go_on():
    stepper = Stepper()
    log: list[str] = []

    def failing():
        yield
        yield
        raise ValueError("broken")

    async def main():
        bad = asyncio.create_task(stepper.run(failing()))
        good = asyncio.create_task(stepper.run(steps_of("G", 6, log)))
        with pytest.raises(ValueError, match="broken"):
            await bad
        return await good

    assert run(main()) == "G"


def test_costly_answers_keep_the_costliest():
    kept = CostlyAnswers(3)
    for key, cost in (("a", 0.005), ("b", 0.020), ("c", 0.003)):
        kept.keep(key, key.upper(), cost)
    assert [kept.get(k) for k in "abc"] == ["A", "B", "C"]
    kept.keep("d", "D", 0.001)  # cheaper than any kept: not kept
    assert kept.get("d") is None and len(kept) == 3
    kept.keep("e", "E", 0.010)  # takes the cheapest one's place (c)
    assert kept.get("c") is None and kept.get("e") == "E" and len(kept) == 3
    kept.keep("e", "other", 0.050)  # a kept answer stays as it was
    assert kept.get("e") == "E"
    kept.clear()
    assert len(kept) == 0 and kept.get("a") is None
    kept.keep("f", "F", 0.001)  # empty again: any answer is kept
    assert kept.get("f") == "F"
    assert CostlyAnswers(0).get("x") is None
