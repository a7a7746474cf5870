"""Cron expressions evaluated in an IANA timezone, with explicit rules for DST days.

A schedule's cron fields name local wall-clock times in its timezone (5 fields, or 6 with
seconds first). croniter walks those wall-clock times naively, without a timezone; this
module maps each one to the UTC instant it names:

- A wall time that does not exist (clocks spring forward: 02:30 on 2026-03-29 in Paris)
  fires when the gap ends, at 03:00 local, so a daily job still runs once that day. Several
  slots inside one gap collapse into that single instant.
- A wall time that happens twice (clocks fall back: 02:30 on 2026-10-25 in Paris) fires
  once, at its first occurrence, when the hour field is fixed. When the hour field is `*`
  the schedule promises a rhythm rather than a time of day (every 15 minutes, every
  second), so both occurrences fire and the rhythm holds in real time.

Every instant returned is an aware UTC datetime.
"""
from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta, timezone
from functools import cached_property
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from cron_descriptor import Options, get_description
from croniter import croniter
from croniter.croniter import CroniterBadDateError, CroniterError

from app.errors import ValidationFailed

UTC = timezone.utc
FIELD_COUNTS = (5, 6)
MAX_STEPS = 100_000
"""Wall times examined per lookup before giving up: far more than any DST gap holds."""
ONE_SECOND = timedelta(seconds=1)


def _invalid(field: str, message: str) -> ValidationFailed:
    return ValidationFailed(f"invalid {field}: {message}", [{"field": field, "message": message}])


def load_zone(name: str) -> ZoneInfo:
    """The IANA timezone `name`, or a 400 naming the `timezone` field."""
    try:
        return ZoneInfo(name)
    except (ZoneInfoNotFoundError, ValueError, TypeError):
        raise _invalid("timezone", f"unknown IANA timezone {name!r} (e.g. Europe/Paris, UTC)") from None


@dataclass(frozen=True)
class CronSpec:
    """A validated cron expression and the timezone its wall-clock times are read in."""

    expr: str
    timezone: str

    @classmethod
    def parse(cls, expr: str, tz_name: str) -> "CronSpec":
        """Validate both parts; raises ValidationFailed listing each bad field."""
        errors: list[dict[str, str]] = []
        spec = cls(" ".join(expr.split()), tz_name)
        for check in (spec._check_cron, spec._check_zone):
            try:
                check()
            except ValidationFailed as error:
                errors.extend(error.details)
        if errors:
            raise ValidationFailed("invalid schedule: " + ", ".join(e["field"] for e in errors), errors)
        return spec

    def _check_zone(self) -> None:
        load_zone(self.timezone)

    def _check_cron(self) -> None:
        if len(self.fields) not in FIELD_COUNTS:
            raise _invalid("cron", "expected 5 fields (minute hour day month weekday) "
                                   "or 6 with seconds first")
        try:
            croniter(self.expr, datetime(2000, 1, 1), second_at_beginning=self.has_seconds,
                     max_years_between_matches=30).get_next(datetime)
        except CroniterBadDateError:
            raise _invalid("cron", "matches no date (e.g. 30 February)") from None
        except (CroniterError, ValueError, KeyError) as exc:
            raise _invalid("cron", str(exc) or "not a cron expression") from None

    @property
    def fields(self) -> list[str]:
        return self.expr.split()

    @property
    def has_seconds(self) -> bool:
        return len(self.fields) == 6

    @property
    def repeats_in_fold(self) -> bool:
        """Fire both occurrences of a repeated wall time (the hour field is `*`)."""
        return self.fields[2 if self.has_seconds else 1] == "*"

    @cached_property
    def zone(self) -> ZoneInfo:
        return load_zone(self.timezone)

    def describe(self) -> str:
        """Plain English, e.g. "At 02:30 (Europe/Paris)"."""
        try:
            text = get_description(self.expr, _DESCRIPTION_OPTIONS)
        except Exception:  # a description is a nicety: never fail a page for it
            text = self.expr
        return f"{text} ({self.timezone})"

    def next_after(self, moment: datetime) -> datetime:
        """The first slot strictly after `moment` (an aware datetime)."""
        moment = moment.astimezone(UTC)
        local = moment.astimezone(self.zone)
        wall = local.replace(tzinfo=None, fold=0)
        start, second_pass = wall, None
        fold = _fold_window(self.zone, wall)
        if fold is not None and local.fold == 1 and not self.repeats_in_fold:
            start = fold[1] - ONE_SECOND  # first passes of the rest of the fold are over
        elif fold is not None and local.fold == 0 and self.repeats_in_fold:
            second_pass = self._second_pass_after(fold)
        found = self._first_after(start, moment)
        return min(found, second_pass) if second_pass else found

    def upcoming(self, count: int, after: datetime) -> list[datetime]:
        """The next `count` slots after `after`."""
        slots = []
        for _ in range(count):
            after = self.next_after(after)
            slots.append(after)
        return slots

    def between(self, after: datetime, until: datetime, limit: int) -> list[datetime]:
        """Slots in (after, until], at most `limit` of them (the earliest)."""
        slots: list[datetime] = []
        slot = self.next_after(after)
        while slot <= until and len(slots) < limit:
            slots.append(slot)
            slot = self.next_after(slot)
        return slots

    def _walls(self, start: datetime):
        it = croniter(self.expr, start, second_at_beginning=self.has_seconds)
        for _ in range(MAX_STEPS):
            yield it.get_next(datetime)

    def _first_after(self, start: datetime, moment: datetime) -> datetime:
        for wall in self._walls(start):
            later = [i for i in _instants(self.zone, wall, self.repeats_in_fold) if i > moment]
            if later:
                return min(later)
        raise RuntimeError(f"cron {self.expr!r} has no slot after {moment}")

    def _second_pass_after(self, fold: tuple[datetime, datetime]) -> datetime | None:
        """The second occurrence of the first slot inside a fold, if any slot is in it."""
        begin, end = fold
        wall = next(self._walls(begin - ONE_SECOND))
        if wall >= end:
            return None
        return wall.replace(tzinfo=self.zone, fold=1).astimezone(UTC)


_DESCRIPTION_OPTIONS = Options()
_DESCRIPTION_OPTIONS.use_24hour_time_format = True


def _instants(zone: ZoneInfo, wall: datetime, both_folds: bool) -> list[datetime]:
    """The UTC instants a naive wall time names (see the module docstring for the rules)."""
    first = wall.replace(tzinfo=zone, fold=0)
    second = wall.replace(tzinfo=zone, fold=1)
    if first.utcoffset() == second.utcoffset():
        return [first.astimezone(UTC)]
    if first.utcoffset() < second.utcoffset():  # in a gap: fire when it ends
        return [_transition(zone, second.astimezone(UTC), first.astimezone(UTC))]
    instants = [first.astimezone(UTC)]
    return instants + [second.astimezone(UTC)] if both_folds else instants


def _fold_window(zone: ZoneInfo, wall: datetime) -> tuple[datetime, datetime] | None:
    """The naive wall-time range [begin, end) that happens twice, if `wall` is inside one."""
    first = wall.replace(tzinfo=zone, fold=0)
    second = wall.replace(tzinfo=zone, fold=1)
    before, after = first.utcoffset(), second.utcoffset()
    if before is None or after is None or before <= after:
        return None
    change = _transition(zone, first.astimezone(UTC), second.astimezone(UTC))
    naive = change.replace(tzinfo=None)
    return naive + after, naive + before


def _transition(zone: ZoneInfo, low: datetime, high: datetime) -> datetime:
    """The first whole-second UTC instant in (low, high] whose offset differs from low's."""
    offset = low.astimezone(zone).utcoffset()
    low_s, high_s = int(low.timestamp()), int(-(-high.timestamp() // 1))
    while high_s - low_s > 1:
        middle = (low_s + high_s) // 2
        if datetime.fromtimestamp(middle, UTC).astimezone(zone).utcoffset() == offset:
            low_s = middle
        else:
            high_s = middle
    return datetime.fromtimestamp(high_s, UTC)
