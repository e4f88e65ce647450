"""The shared clock: fixed under tests, following a source (the wall clock) otherwise."""

from datetime import UTC, datetime, timedelta, timezone

from sandbox.clock import SandboxClock

START = datetime(2026, 11, 20, 12, 0, tzinfo=UTC)


def test_fixed_clock_stands_still_until_moved() -> None:
    clock = SandboxClock(START)
    assert clock.is_fixed
    assert clock.now() == START
    clock.advance(timedelta(minutes=5))
    assert clock.now() == START + timedelta(minutes=5)
    clock.set(datetime(2026, 12, 1, 8, 0, tzinfo=timezone(timedelta(hours=1))))
    assert clock.now() == datetime(2026, 12, 1, 7, 0, tzinfo=UTC)
    assert clock.now().tzinfo is UTC


def test_naive_times_are_taken_as_utc() -> None:
    clock = SandboxClock(datetime(2026, 11, 20, 12, 0))  # noqa: DTZ001 - naive on purpose
    assert clock.now() == START


def test_default_clock_follows_the_wall_clock() -> None:
    clock = SandboxClock()
    assert not clock.is_fixed
    assert abs(clock.now() - datetime.now(UTC)) < timedelta(seconds=5)


def test_following_clock_keeps_running_after_set_and_advance() -> None:
    source_time = [START]
    clock = SandboxClock()
    clock.follow(lambda: source_time[0])
    assert clock.now() == START
    clock.advance(timedelta(hours=1))
    source_time[0] += timedelta(minutes=1)
    assert clock.now() == START + timedelta(hours=1, minutes=1)
    clock.set(START)
    assert clock.now() == START
    source_time[0] += timedelta(minutes=1)
    assert clock.now() == START + timedelta(minutes=1)


def test_follow_resets_the_offset_and_freeze_stops_time() -> None:
    source_time = [START]
    clock = SandboxClock(START - timedelta(days=3))
    clock.follow(lambda: source_time[0])
    assert clock.now() == START
    clock.freeze()
    source_time[0] += timedelta(hours=2)
    assert clock.is_fixed
    assert clock.now() == START
