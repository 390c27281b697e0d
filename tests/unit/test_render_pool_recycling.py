"""The render loop replaces its process pool itself (issue 15, P7): `max_tasks_per_child` is not used because on
Python 3.11 a retiring child is not replaced while tasks are queued (CPython gh-115634) and the loop hung once
every child had retired. A render that never returns counts as a broken pool, so its round's row locks end."""
from __future__ import annotations

import threading
from concurrent.futures import Future
from concurrent.futures.process import BrokenProcessPool

from services.letters import render_loop


class FakePool:
    made = 0

    def __init__(self, _processes):
        FakePool.made += 1
        self.shut = []

    def submit(self, fn, *args):
        return render_loop.inline(fn, *args)

    def shutdown(self, wait=True, cancel_futures=False):
        self.shut.append(wait)


class Rounds:
    """Claims `per_round` sets each round, `rounds` times, then stops the loop."""

    def __init__(self, stop, rounds, per_round, broken_at=None):
        self.stop, self.left, self.per_round, self.broken_at, self.calls = stop, rounds, per_round, broken_at, 0

    def render_round(self, submit, sets):
        self.calls += 1
        if self.calls == self.broken_at:
            raise BrokenProcessPool("a render took longer than 300 s")
        self.left -= 1
        if self.left <= 0:
            self.stop.set()
        return self.per_round


def test_the_pool_is_replaced_between_rounds_after_its_share_of_sets(monkeypatch):
    monkeypatch.setattr(render_loop, "RENDERS_PER_CHILD", 10)
    FakePool.made, stop = 0, threading.Event()
    loop = render_loop.RenderLoop(Rounds(stop, rounds=12, per_round=8), processes=2, pool_factory=FakePool)
    loop.run(stop)
    assert FakePool.made == 4  # 8 sets a round: after 3 rounds 24 ≥ 2 × 10 sets served, so a new pool every 3 rounds


def test_a_broken_or_hung_pool_is_discarded_and_the_loop_goes_on(monkeypatch):
    FakePool.made, stop = 0, threading.Event()
    monkeypatch.setattr(render_loop, "_discard", lambda pool: pool.shutdown(wait=False, cancel_futures=True))
    rounds = Rounds(stop, rounds=3, per_round=1, broken_at=2)
    render_loop.RenderLoop(rounds, processes=1, pool_factory=FakePool).run(stop)
    assert FakePool.made == 2 and rounds.calls == 4


def test_a_hung_render_becomes_a_broken_pool(monkeypatch):
    """`_finish` waits at most RENDER_TIMEOUT_SECONDS for a set, then gives up on the pool (the loop discards it
    and rolls the round back, so its row locks end)."""
    import types

    import pytest

    from services.letters import renderings
    monkeypatch.setattr(renderings, "RENDER_TIMEOUT_SECONDS", 0.05)
    subject = object.__new__(renderings.Renderings)
    subject.renderer = None
    job = types.SimpleNamespace(cached=False, pending=types.SimpleNamespace(contents=[{}]), assets={})
    with pytest.raises(BrokenProcessPool, match="longer than"):
        subject._finish(None, [job], lambda *_args: Future())  # a future nobody ever completes
