"""A progress display while waiting on a job: tqdm when installed, nothing otherwise."""
from __future__ import annotations

import time


class JobProgress:
    """Shows elapsed time and status; a no-op unless enabled and tqdm is importable."""

    def __init__(self, job_id: str, enabled: bool) -> None:
        self.job_id, self.enabled = job_id, enabled
        self.bar = None
        self.started = time.monotonic()

    def __enter__(self) -> "JobProgress":
        if self.enabled:
            try:
                from tqdm.auto import tqdm
            except ImportError:
                return self
            self.bar = tqdm(total=None, desc=f"job {self.job_id[:8]}", unit="s",
                            bar_format="{desc}: {postfix} [{elapsed}]")
        return self

    def update(self, status: str) -> None:
        if self.bar is not None:
            self.bar.set_postfix_str(status)
            self.bar.refresh()

    def __exit__(self, *_exc: object) -> None:
        if self.bar is not None:
            self.bar.close()
