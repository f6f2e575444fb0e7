"""Long requests on the event loop: their steps taken least-served first.

A ``/match`` call runs on the event loop as a generator of steps
(:meth:`moneytrail.screening.Screener.match_steps`: it yields after each ~2 ms of work). Most
names finish in their first step. A few (``Q. HASSAN``, ``Ali Ali``: hundreds of candidates)
take 10-60 ms. Handing the loop back with ``asyncio.sleep(0)`` after each step shares it like
a processor among all of them: with three long names under way, a name that just arrived
waits for a step of each (6 ms) before its own, and again after each of its own steps.

:class:`Stepper` gives long requests one lane: at each turn of the loop, one step of one long
request, the one that has had the least time so far (least attained service), while every
request that just arrived runs its first step on the same turn. A short request then waits at
most one long step; a long one waits for shorter ones, which finish first. On a heavy-tailed
mix, the tail of the many short requests is what the service is judged by (the p99 of
``/match`` at 200 requests/s: docs/performance.md).
"""

from __future__ import annotations

import asyncio
import heapq
import itertools
import time
from collections.abc import Generator
from typing import Any


class Stepper:
    """Runs generators of steps on the running event loop (see the module doc). One per app;
    used from the loop's thread only.

    The long lane is held by at most one request at a time: from the turn it is given until
    its step yields, ends, raises or is cancelled. Then the next turn is scheduled for the
    least-served waiting request."""

    def __init__(self) -> None:
        self._waiting: list[tuple[float, int, asyncio.Future]] = []
        self._order = itertools.count()
        self._busy = False  # a request was given the lane and has not given it back
        self._turn_due = False  # a call of _next is scheduled

    @property
    def waiting(self) -> int:
        """Long requests waiting for their next step."""
        return sum(1 for _, _, turn in self._waiting if not turn.done())

    async def run(self, steps: Generator[None, None, Any]) -> Any:
        """Run ``steps`` to its end; its return value (its exception, raised)."""
        clock = time.perf_counter
        attained = 0.0
        holding = False
        try:
            while True:
                started = clock()
                try:
                    next(steps)
                except StopIteration as done:
                    return done.value
                attained += clock() - started
                if holding:
                    holding = False
                    self._busy = False
                await self._turn(attained)
                holding = True
        finally:
            if holding:
                self._busy = False
                self._schedule()

    async def _turn(self, attained: float) -> None:
        """Wait for this request's next turn in the long lane."""
        turn = asyncio.get_running_loop().create_future()
        heapq.heappush(self._waiting, (attained, next(self._order), turn))
        self._schedule()
        try:
            await turn
        except asyncio.CancelledError:
            if turn.done() and not turn.cancelled():  # given the lane, dropped before using it
                self._busy = False
                self._schedule()
            raise

    def _schedule(self) -> None:
        if self._waiting and not self._busy and not self._turn_due:
            self._turn_due = True
            asyncio.get_running_loop().call_soon(self._next)

    def _next(self) -> None:
        """Give the lane to the least-served waiting request (it steps on the next turn of
        the loop, beside what arrived meanwhile); one dropped meanwhile is skipped."""
        self._turn_due = False
        if self._busy:
            return
        while self._waiting:
            _, _, turn = heapq.heappop(self._waiting)
            if not turn.done():
                self._busy = True
                turn.set_result(None)
                return
