"""Timing helpers: repeated measurements summarised as median and p95."""
from __future__ import annotations

import statistics
import time
from dataclasses import dataclass
from typing import Callable


@dataclass(frozen=True)
class Sample:
    name: str
    seconds: list[float]

    @property
    def median(self) -> float:
        return statistics.median(self.seconds)

    @property
    def p95(self) -> float:
        ordered = sorted(self.seconds)
        return ordered[min(len(ordered) - 1, round(0.95 * (len(ordered) - 1)))]


def measure(name: str, action: Callable[[], object], runs: int, warmup: int = 2,
            before: Callable[[], object] | None = None) -> Sample:
    """Time `action` `runs` times after `warmup` untimed runs; `before` runs untimed each time."""
    for _ in range(warmup):
        if before is not None:
            before()
        action()
    times = []
    for _ in range(runs):
        if before is not None:
            before()
        started = time.perf_counter()
        action()
        times.append(time.perf_counter() - started)
    return Sample(name, times)


def table(samples: list[Sample], baseline: Sample) -> str:
    """Rows of median / p95 in ms, with each median as a ratio of the baseline's."""
    lines = [f"{'measurement':58} {'median ms':>10} {'p95 ms':>8} {'× baseline':>11}"]
    for sample in samples:
        ratio = sample.median / baseline.median
        lines.append(f"{sample.name:58} {sample.median * 1000:10.1f} {sample.p95 * 1000:8.1f} {ratio:11.2f}")
    return "\n".join(lines)
