"""Cron slots in a schedule's own timezone, including the two DST days of a year."""
from datetime import datetime, timedelta, timezone

import pytest
from croniter import croniter

from app.errors import ValidationFailed
from app.services.cron import CronSpec

UTC = timezone.utc


def utc(*parts: int) -> datetime:
    return datetime(*parts, tzinfo=UTC)


def local_times(spec: CronSpec, slots: list[datetime]) -> list[str]:
    return [s.astimezone(spec.zone).strftime("%m-%d %H:%M %Z") for s in slots]


def test_a_daily_slot_is_read_in_the_schedules_timezone():
    spec = CronSpec.parse("30 2 * * *", "Europe/Paris")
    assert spec.upcoming(2, utc(2026, 1, 10)) == [utc(2026, 1, 10, 1, 30), utc(2026, 1, 11, 1, 30)]


def test_paris_spring_forward_fires_a_missing_0230_once_at_0300():
    spec = CronSpec.parse("30 2 * * *", "Europe/Paris")
    slots = spec.upcoming(3, utc(2026, 3, 28, 12))
    assert local_times(spec, slots) == ["03-29 03:00 CEST", "03-30 02:30 CEST", "03-31 02:30 CEST"]
    assert slots[0] == utc(2026, 3, 29, 1, 0)


def test_paris_fall_back_fires_a_repeated_0230_once_at_its_first_occurrence():
    spec = CronSpec.parse("30 2 * * *", "Europe/Paris")
    slots = spec.upcoming(3, utc(2026, 10, 24, 12))
    assert local_times(spec, slots) == ["10-25 02:30 CEST", "10-26 02:30 CET", "10-27 02:30 CET"]


def test_new_york_spring_forward_and_fall_back():
    spec = CronSpec.parse("30 2 * * *", "America/New_York")
    assert local_times(spec, spec.upcoming(2, utc(2026, 3, 7, 12))) == ["03-08 03:00 EDT", "03-09 02:30 EDT"]
    repeated = CronSpec.parse("30 1 * * *", "America/New_York")
    assert local_times(repeated, repeated.upcoming(2, utc(2026, 10, 31, 12))) == [
        "11-01 01:30 EDT", "11-02 01:30 EST"]


def test_slots_inside_a_gap_collapse_into_one_firing_when_it_ends():
    spec = CronSpec.parse("*/20 2 * * *", "Europe/Paris")  # 02:00, 02:20, 02:40: none exist
    day = spec.between(utc(2026, 3, 28, 12), utc(2026, 3, 29, 12), limit=100)
    assert local_times(spec, day) == ["03-29 03:00 CEST"]


def test_an_hourly_rhythm_keeps_its_pace_in_real_time_across_both_changes():
    spec = CronSpec.parse("0 * * * *", "Europe/Paris")
    fall = spec.between(utc(2026, 10, 24, 22), utc(2026, 10, 25, 4), limit=100)
    assert [b - a for a, b in zip(fall, fall[1:])] == [timedelta(hours=1)] * (len(fall) - 1)
    assert len(fall) == 6  # 02:00 CEST and 02:00 CET both fire
    spring = spec.between(utc(2026, 3, 28, 22), utc(2026, 3, 29, 4), limit=100)
    assert [b - a for a, b in zip(spring, spring[1:])] == [timedelta(hours=1)] * (len(spring) - 1)


def test_every_second_crosses_a_fall_back_without_gaps_or_repeats():
    spec = CronSpec.parse("* * * * * *", "Europe/Paris")
    slots = spec.between(utc(2026, 10, 25, 0, 59, 58), utc(2026, 10, 25, 1, 0, 2), limit=10)
    assert slots == [utc(2026, 10, 25, 0, 59, 59) + timedelta(seconds=i) for i in range(4)]


def _brute_force(spec: CronSpec, start: datetime, end: datetime) -> list[datetime]:
    """Every minute between start and end that the module docstring's rules make a slot."""
    found, moment = [], start
    while moment < end:
        moment += timedelta(minutes=1)
        local = moment.astimezone(spec.zone)
        wall = local.replace(tzinfo=None, fold=0)
        first, second = (wall.replace(tzinfo=spec.zone, fold=f).utcoffset() for f in (0, 1))
        repeated = first != second  # `local` exists, so differing offsets mean a repeated hour
        if croniter.match(spec.expr, wall) and (not repeated or local.fold == 0 or spec.repeats_in_fold):
            found.append(moment)
            continue
        before = (moment - timedelta(minutes=1)).astimezone(spec.zone).utcoffset()
        gap = local.utcoffset() - before
        if gap > timedelta(0) and any(croniter.match(spec.expr, wall - gap + timedelta(minutes=m))
                                      for m in range(int(gap.total_seconds() // 60))):
            found.append(moment)
    return found


@pytest.mark.parametrize("zone,day", [
    ("Europe/Paris", utc(2026, 3, 28, 20)), ("Europe/Paris", utc(2026, 10, 24, 20)),
    ("America/New_York", utc(2026, 3, 8)), ("America/New_York", utc(2026, 11, 1)),
    ("Australia/Lord_Howe", utc(2026, 4, 4, 10)),  # a half-hour change
])
@pytest.mark.parametrize("expr", ["30 2 * * *", "*/15 * * * *", "0 * * * *", "*/7 1-3 * * *", "59 1 * * *",
                                  "* 2 * * *", "0 3 * * *"])
def test_slots_agree_with_a_minute_by_minute_reading_of_the_rules(zone, day, expr):
    spec = CronSpec.parse(expr, zone)
    end = day + timedelta(hours=14)
    assert spec.between(day, end, limit=10_000) == _brute_force(spec, day, end)


@pytest.mark.parametrize("expr,tz,fields", [
    ("61 * * * *", "UTC", {"cron"}),
    ("* * *", "UTC", {"cron"}),
    ("* * * * * * *", "UTC", {"cron"}),
    ("0 0 30 2 *", "UTC", {"cron"}),
    ("0 0 * * *", "Mars/Olympus", {"timezone"}),
    ("nope", "", {"cron", "timezone"}),
])
def test_invalid_cron_or_timezone_names_each_field(expr, tz, fields):
    with pytest.raises(ValidationFailed) as raised:
        CronSpec.parse(expr, tz)
    assert {d["field"] for d in raised.value.details} == fields


def test_six_fields_put_seconds_first_and_are_described_in_words():
    spec = CronSpec.parse("*/10 * * * * *", "UTC")
    assert spec.upcoming(2, utc(2026, 1, 1)) == [utc(2026, 1, 1, 0, 0, 10), utc(2026, 1, 1, 0, 0, 20)]
    assert spec.describe() == "Every 10 seconds (UTC)"
    assert CronSpec.parse("30 2 * * *", "Europe/Paris").describe() == "At 02:30 (Europe/Paris)"
