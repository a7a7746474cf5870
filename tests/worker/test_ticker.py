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
