"""Timing helpers: repeated measurements summarised as median and p95, and the tables."""
from __future__ import annotations

import statistics
import time
from dataclasses import dataclass
from typing import Callable

NAME_WIDTH = 58


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


@dataclass(frozen=True)
class Rate:
    """A throughput figure: `count` things done in `seconds` of wall-clock time."""

    name: str
    count: int
    seconds: float

    @property
    def per_second(self) -> float:
        return self.count / self.seconds if self.seconds > 0 else float("inf")


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


def median_ms(values: list[float]) -> float:
    """The median of `values` (seconds) in milliseconds; NaN when there are none."""
    return statistics.median(values) * 1000 if values else float("nan")


def table(samples: list[Sample], baseline: Sample) -> str:
    """Rows of median / p95 in ms, with each median as a ratio of the baseline's."""
    lines = [f"{'measurement':{NAME_WIDTH}} {'median ms':>10} {'p95 ms':>8} {'× baseline':>11}"]
    for sample in samples:
        ratio = sample.median / baseline.median
        lines.append(f"{sample.name:{NAME_WIDTH}} {sample.median * 1000:10.1f} {sample.p95 * 1000:8.1f} "
                     f"{ratio:11.2f}")
    return "\n".join(lines)


def paired_table(rows: list[tuple[Sample, Sample]], baseline_title: str) -> str:
    """One row per (sample, its own baseline): medians and p95 in ms, and the ratio."""
    lines = [f"{'measurement':{NAME_WIDTH - 20}} {'median ms':>10} {'p95 ms':>8} "
             f"{baseline_title + ' ms':>24} {'× baseline':>11}"]
    for sample, baseline in rows:
        ratio = sample.median / baseline.median
        lines.append(f"{sample.name:{NAME_WIDTH - 20}} {sample.median * 1000:10.1f} "
                     f"{sample.p95 * 1000:8.1f} {baseline.median * 1000:24.1f} {ratio:11.2f}")
    return "\n".join(lines)


def paired_rate_table(rows: list[tuple[Rate, Rate]], baseline_title: str) -> str:
    """One row per (rate, its own baseline): count, seconds, rate, the baseline's rate and the
    ratio of the two."""
    lines = [f"{'measurement':{NAME_WIDTH - 6}} {'count':>6} {'seconds':>8} {'per s':>8} "
             f"{baseline_title:>10} {'× baseline':>11}"]
    for rate, baseline in rows:
        lines.append(f"{rate.name:{NAME_WIDTH - 6}} {rate.count:6d} {rate.seconds:8.2f} "
                     f"{rate.per_second:8.2f} {baseline.per_second:10.2f} "
                     f"{rate.per_second / baseline.per_second:11.2f}")
    return "\n".join(lines)


@dataclass
class Section:
    """One benchmark's printed part: a title, its table and a few lines of notes; `figures`
    keeps the measurements for callers that want more than the text."""

    title: str
    table: str
    notes: list[str]
    figures: list[Sample | Rate]

    def __str__(self) -> str:
        notes = "".join(f"\n  {note}" for note in self.notes)
        return f"\n== {self.title}\n\n{self.table}\n{notes}\n"
