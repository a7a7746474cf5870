"""Jinja filters that turn stored values into what a person reads: times, durations, JSON."""
from __future__ import annotations

import json
from datetime import datetime
from typing import Any

from flask import Flask

from app.models import utcnow

STATUS_CLASSES = {"queued": "muted", "running": "info", "success": "ok", "failure": "bad",
                  "canceled": "warn"}
"""Job status → badge colour class in app.css."""
AGO_UNITS = ((86400 * 365, "y"), (86400 * 30, "mo"), (86400, "d"), (3600, "h"), (60, "min"))


def format_datetime(value: datetime | None) -> str:
    """`2024-05-01 12:00:03 UTC`, or an em dash when there is no time yet."""
    return value.strftime("%Y-%m-%d %H:%M:%S UTC") if value else "—"


def iso(value: datetime | None) -> str:
    return value.isoformat() if value else ""


def ago(value: datetime | None) -> str:
    """A short relative time ("5 min ago"); the page shows the exact time as a tooltip."""
    if value is None:
        return "—"
    seconds = max(0, int((utcnow() - value).total_seconds()))
    for size, unit in AGO_UNITS:
        if seconds >= size:
            return f"{seconds // size} {unit} ago"
    return "just now"


def duration(ms: int | None) -> str:
    """`850 ms`, `12.3 s`, `4 min 05 s`, `2 h 03 min`."""
    if ms is None:
        return "—"
    if ms < 1000:
        return f"{ms} ms"
    if ms < 60_000:
        return f"{ms / 1000:.1f} s"
    minutes, seconds = divmod(ms // 1000, 60)
    if minutes < 60:
        return f"{minutes} min {seconds:02d} s"
    hours, minutes = divmod(minutes, 60)
    return f"{hours} h {minutes:02d} min"


def pretty_json(value: Any) -> str:
    return json.dumps(value, indent=2, ensure_ascii=False, default=str)


def status_class(status: Any) -> str:
    return STATUS_CLASSES.get(getattr(status, "value", status), "muted")


def register(app: Flask) -> None:
    """Install the filters on `app`'s Jinja environment."""
    app.jinja_env.filters.update(
        datetime=format_datetime, iso=iso, ago=ago, duration=duration,
        pretty_json=pretty_json, status_class=status_class)
