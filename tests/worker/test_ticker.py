"""The Ticker runs the periodic duties of running jobs on one thread per process."""
from __future__ import annotations

import threading
import time

from tests.worker.conftest import eventually
from worker.ticker import Ticker


def test_a_duty_runs_every_period_until_cancelled():
    ticker, calls = Ticker("test"), []
    handle = ticker.every(0.01, lambda: calls.append(time.monotonic()) or True, now=True)
    assert eventually(lambda: len(calls) >= 5)
    ticker.cancel(handle)
    count = len(calls)
    time.sleep(0.05)
    assert len(calls) == count


def test_a_duty_that_returns_false_is_not_called_again():
    ticker, calls = Ticker("test"), []

    def once() -> bool:
        calls.append(1)
        return False

    ticker.every(0.01, once, now=True)
    assert eventually(lambda: calls)
    time.sleep(0.05)
    assert calls == [1]


def test_cancel_waits_for_a_call_under_way():
    ticker, running, release, finished = Ticker("test"), threading.Event(), threading.Event(), []

    def slow() -> bool:
        running.set()
        release.wait(2)
        finished.append(True)
        return True

    handle = ticker.every(0.01, slow, now=True)
    assert running.wait(2)
    threading.Timer(0.1, release.set).start()
    ticker.cancel(handle)
    assert finished  # cancel returned only after the call had ended


def test_a_failing_duty_does_not_stop_the_others():
    ticker, calls = Ticker("test"), []

    def broken() -> bool:
        raise RuntimeError("boom")

    failing = ticker.every(0.01, broken, now=True)
    working = ticker.every(0.01, lambda: calls.append(1) or True, now=True)
    assert eventually(lambda: len(calls) >= 3)
    ticker.cancel(failing)
    ticker.cancel(working)


def test_a_duty_due_before_the_threads_next_wake_up_wakes_it():
    ticker, calls = Ticker("test"), []
    slow = ticker.every(30, lambda: True)  # the thread now sleeps until 30 s from now
    time.sleep(0.05)
    started = time.monotonic()
    fast = ticker.every(0.02, lambda: calls.append(time.monotonic()) or True)
    assert eventually(lambda: calls, timeout=2)
    assert calls[0] - started < 1
    ticker.cancel(slow)
    ticker.cancel(fast)


def test_a_duty_due_after_the_threads_next_wake_up_runs_without_waking_it():
    ticker, early, late = Ticker("test"), [], []
    first = ticker.every(0.05, lambda: early.append(1) or True)
    time.sleep(0.01)  # the thread sleeps until the first duty is due
    second = ticker.every(0.2, lambda: late.append(1) or True)
    assert eventually(lambda: late, timeout=2)
    assert len(early) >= 2  # the first ran on time meanwhile
    ticker.cancel(first)
    ticker.cancel(second)
