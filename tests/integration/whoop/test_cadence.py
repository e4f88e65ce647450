"""Cadence: what the cycle polls reveal decides when each family is fetched, over simulated days.

The sandbox plays realistic members (REALISTIC_MEMBERS: wandering wake times, workouts at any
hour, naps, scoring delays) and its clock follows Home Assistant's frozen one; time moves in short
steps, timers fire as they come due. Every assertion is about requests the sandbox answered or
what an entity shows.
"""

from collections.abc import AsyncIterator
from dataclasses import replace
from datetime import UTC, date, datetime, timedelta, timezone
from itertools import pairwise

from freezegun.api import FrozenDateTimeFactory
from homeassistant.core import HomeAssistant
from homeassistant.util import dt as dt_util
import pytest
from pytest_homeassistant_custom_component.common import async_fire_time_changed

from custom_components.whoop.whoop.cadence import (
    AWAKE_INTERVAL,
    DETECTION_INTERVAL,
    MISSED_INTERVAL,
    NIGHT_INTERVAL,
    NOT_WORN_INTERVAL,
    SCORING_INTERVAL,
    SETTLED_INTERVAL,
    UNFOLLOWED_AWAITING_INTERVAL,
    UNFOLLOWED_SETTLED_INTERVAL,
    UNFOLLOWED_WORKOUT_INTERVAL,
    WAKE_WINDOW_INTERVAL,
    WORKOUT_FALLBACK_INTERVAL,
    Activity,
    ActivityWatch,
    WakeWindow,
    cycle_zone,
    morning_interval,
    nap_interval,
    strain_interval,
    workout_interval,
)
from custom_components.whoop.whoop_api import Cycle, Recovery, Sleep, Workout
from sandbox.app import Sandbox, create_sandbox
from sandbox.clock import SandboxClock
from sandbox.fixtures import serve_sandbox
from sandbox.whoop import JANE, JOHN, REALISTIC_MEMBERS, Member, WhoopSandbox
from tests.integration.conftest import SetUpEntry
from tests.whoop_api import examples

STEP = timedelta(seconds=15)
CYCLES = "GET /developer/v2/cycle"
RECOVERIES = "GET /developer/v2/recovery"
WORKOUTS = "GET /developer/v2/activity/workout"
SLEEPS = "GET /developer/v2/activity/sleep"
REALISTIC = {member.user_id: member for member in REALISTIC_MEMBERS}
# The sandbox's realistic days (default seed) that the tests walk through; see each test.
SANDBOX_START = datetime(2026, 11, 1, tzinfo=UTC)


@pytest.fixture
async def sandbox(socket_enabled: None) -> AsyncIterator[Sandbox]:
    """A sandbox of realistic members with three weeks of history, served on 127.0.0.1."""
    clock = SandboxClock(SANDBOX_START)
    served = create_sandbox(clock, history_days=0)
    served.whoop = WhoopSandbox(clock, members=REALISTIC_MEMBERS, history_days=21)
    async with serve_sandbox(served) as running:
        yield running


def _title(member: Member) -> str:
    return f"{member.first_name} {member.last_name}"


def _entity(member: Member, key: str, platform: str = "sensor") -> str:
    return f"{platform}.{member.first_name.lower()}_{member.last_name.lower()}_{key}"


async def _start(
    hass: HomeAssistant,
    sandbox: Sandbox,
    set_up_entry: SetUpEntry,
    freezer: FrozenDateTimeFactory,
    member: Member,
    at: datetime,
) -> None:
    freezer.move_to(at)
    sandbox.clock.follow(dt_util.utcnow)
    await set_up_entry(user_id=member.user_id, title=_title(member))
    sandbox.whoop.reset_log()


async def _run_until(
    hass: HomeAssistant, freezer: FrozenDateTimeFactory, end: datetime
) -> None:
    """Move time to ``end`` in short steps, letting every timer due run."""
    while (now := dt_util.utcnow()) < end:
        freezer.move_to(min(now + STEP, end))
        async_fire_time_changed(hass)
        await hass.async_block_till_done(wait_background_tasks=True)


async def _run_until_shown(
    hass: HomeAssistant,
    freezer: FrozenDateTimeFactory,
    entity_id: str,
    expected: float,
    deadline: datetime,
) -> datetime:
    """Move time on until ``entity_id`` shows ``expected``; return when (fails at ``deadline``)."""
    while (now := dt_util.utcnow()) < deadline:
        state = hass.states.get(entity_id)
        if state is not None and _is(state.state, expected):
            return now
        await _run_until(hass, freezer, now + STEP)
    pytest.fail(f"{entity_id} did not show {expected} by {deadline}")


def _is(shown: str, expected: float) -> bool:
    try:
        return abs(float(shown) - expected) < 1e-6
    except ValueError:
        return False


def _times(
    sandbox: Sandbox, key: str, start: datetime, end: datetime
) -> list[datetime]:
    return [
        request.at
        for request in sandbox.whoop.requests
        if request.key == key and start <= request.at < end
    ]


@pytest.mark.parametrize(
    ("member", "day"),
    [
        # John lives at -05:00: wakes at 12:27Z (07:27 local); Jane at +01:00: 06:39Z (07:39).
        (JOHN, date(2026, 11, 5)),
        (JANE, date(2026, 11, 4)),
    ],
)
async def test_the_night_is_polled_slowly_and_the_wake_window_closely(
    hass: HomeAssistant,
    sandbox: Sandbox,
    set_up_entry: SetUpEntry,
    freezer: FrozenDateTimeFactory,
    member: Member,
    day: date,
) -> None:
    """The wake window is learned from past cycles, on the member's own clock."""
    plan = sandbox.whoop.plan(member.user_id, day)
    onset, wake = plan.night.start, plan.night.end
    await _start(
        hass,
        sandbox,
        set_up_entry,
        freezer,
        REALISTIC[member.user_id],
        onset - timedelta(hours=1),
    )

    recovery = plan.recovery
    shown_at = await _run_until_shown(
        hass,
        freezer,
        _entity(member, "recovery"),
        float(recovery.recovery_score),
        plan.night.scored_at + timedelta(minutes=10),
    )

    # Asleep and far from the usual wake time: a look every half hour.
    deep_night = _times(
        sandbox, CYCLES, onset + timedelta(hours=1), onset + timedelta(hours=4)
    )
    assert len(deep_night) <= 3 * timedelta(hours=1) / NIGHT_INTERVAL + 1
    # Around the usual wake time: the new cycle is seen within 5 minutes of WHOOP creating it.
    seen = min(
        _times(sandbox, CYCLES, plan.night.detected_at, wake + timedelta(hours=1))
    )
    assert seen - plan.night.detected_at <= WAKE_WINDOW_INTERVAL + STEP
    # And the recovery within 2 minutes of its scoring.
    assert shown_at - plan.night.scored_at <= timedelta(minutes=2) + STEP


@pytest.mark.parametrize(
    "day",
    [
        date(2026, 11, 2),  # yoga 13:30-14:14Z
        date(2026, 11, 3),  # walking 18:24-18:52Z
        date(2026, 11, 4),  # cycling 15:28-16:28Z
    ],
)
async def test_a_workout_is_looked_for_when_strain_stops_climbing(
    hass: HomeAssistant,
    sandbox: Sandbox,
    set_up_entry: SetUpEntry,
    freezer: FrozenDateTimeFactory,
    day: date,
) -> None:
    """John's workouts: nothing but his strain tells the integration."""
    (workout,) = sandbox.whoop.plan(JOHN.user_id, day).workouts
    await _start(
        hass, sandbox, set_up_entry, freezer, JOHN, workout.start - timedelta(hours=1)
    )

    shown_at = await _run_until_shown(
        hass,
        freezer,
        _entity(JOHN, "workout_strain"),
        workout.score.strain,
        workout.scored_at + timedelta(minutes=10),
    )

    assert shown_at - workout.scored_at <= timedelta(minutes=2) + STEP
    # No workout polling while nothing hinted at one, a few looks once it ended.
    assert not _times(
        sandbox, WORKOUTS, workout.start - timedelta(minutes=55), workout.end
    )
    assert len(_times(sandbox, WORKOUTS, workout.end, shown_at + STEP)) <= 12
    # Strain was followed every 3 to 3.5 minutes while John was up and about.
    strain_polls = _times(sandbox, CYCLES, workout.start, workout.end)
    assert max(b - a for a, b in pairwise(strain_polls)) <= AWAKE_INTERVAL + STEP


async def test_a_nap_is_looked_for_when_strain_moves_again(
    hass: HomeAssistant,
    sandbox: Sandbox,
    set_up_entry: SetUpEntry,
    freezer: FrozenDateTimeFactory,
) -> None:
    """Jane naps 11:54-12:25Z on 2026-11-03."""
    (nap,) = sandbox.whoop.plan(JANE.user_id, date(2026, 11, 3)).naps
    await _start(
        hass, sandbox, set_up_entry, freezer, JANE, nap.start - timedelta(hours=1)
    )

    await _run_until(hass, freezer, nap.scored_at + timedelta(minutes=15))

    event = hass.states.get(_entity(JANE, "sleep", "event"))
    assert event is not None
    assert event.attributes["event_type"] == "nap_scored"
    assert event.attributes["record_id"] == str(nap.id)
    assert dt_util.parse_datetime(event.state) is not None
    shown = dt_util.parse_datetime(event.state)
    assert shown is not None
    assert shown - nap.scored_at <= timedelta(minutes=15)
    # Strain stood still: slower polls during the nap.
    during = _times(sandbox, CYCLES, nap.start + timedelta(minutes=10), nap.end)
    assert len(during) <= (nap.end - nap.start) / timedelta(minutes=10) + 1
    # Sleeps are asked for only around the end of the nap.
    assert not _times(sandbox, SLEEPS, nap.start - timedelta(minutes=55), nap.end)


async def test_a_night_without_the_strap_costs_little(
    hass: HomeAssistant,
    sandbox: Sandbox,
    set_up_entry: SetUpEntry,
    freezer: FrozenDateTimeFactory,
) -> None:
    """John slept without the strap before 2026-11-03: a new cycle, never a recovery."""
    plan = sandbox.whoop.plan(JOHN.user_id, date(2026, 11, 3))
    assert not plan.night_worn
    await _start(
        hass, sandbox, set_up_entry, freezer, JOHN, plan.night.end - timedelta(hours=3)
    )

    await _run_until(hass, freezer, plan.night.detected_at + timedelta(hours=6))

    looks = _times(sandbox, RECOVERIES, plan.night.detected_at, dt_util.utcnow())
    # Every minute for 25 minutes, every 15 for 3 hours, then the reconciling look.
    assert 20 <= len(looks) <= 42
    assert (
        len(
            _times(
                sandbox,
                RECOVERIES,
                plan.night.detected_at + timedelta(hours=3, minutes=5),
                dt_util.utcnow(),
            )
        )
        <= 1
    )


def _cycle(
    cycle_id: int,
    created_at: datetime,
    offset: str,
    *,
    strain: float = 5.0,
    kilojoule: float = 4000.0,
) -> Cycle:
    body = examples.cycle()
    return Cycle.from_api(
        {
            **body,
            "id": cycle_id,
            "created_at": created_at.isoformat().replace("+00:00", "Z"),
            "timezone_offset": offset,
            "score_state": "SCORED",
            "score": {**body["score"], "strain": strain, "kilojoule": kilojoule},
        }
    )


def _mornings(first: date, days: int, local_wake: str, offset: str) -> list[Cycle]:
    """Cycles created at ``local_wake`` on the member's clock, one a day."""
    zone = cycle_zone(_cycle(0, datetime(2026, 1, 1, tzinfo=UTC), offset))
    hour, minute = (int(part) for part in local_wake.split(":"))
    return [
        _cycle(
            index,
            datetime.combine(
                first + timedelta(days=index), datetime.min.time(), zone
            ).replace(hour=hour, minute=minute),
            offset,
        )
        for index in range(days)
    ]


def test_the_wake_window_follows_the_local_clock_across_a_daylight_saving_change() -> (
    None
):
    """New York wakes at 06:30: 11:30Z in winter (-05:00), 10:30Z in summer (-04:00)."""
    window = WakeWindow()
    window.learn(_mornings(date(2026, 2, 23), 14, "06:30", "-05:00"))
    winter, summer = timezone(timedelta(hours=-5)), timezone(timedelta(hours=-4))
    monday = datetime(2026, 3, 9, tzinfo=UTC)
    assert window.contains(monday.replace(hour=11, minute=30), winter)
    assert not window.contains(monday.replace(hour=10, minute=45), winter)
    # After the change the habit keeps its local hour, so the window moves an hour in UTC.
    assert window.contains(monday.replace(hour=10, minute=30), summer)
    assert not window.contains(monday.replace(hour=9, minute=45), summer)


def test_the_wake_window_is_each_members_own_and_may_cross_midnight() -> None:
    """A night-shift worker in Tokyo wakes at 23:50 local; no hour is fixed for everyone."""
    window = WakeWindow()
    window.learn(_mornings(date(2026, 11, 2), 10, "23:50", "+09:00"))
    zone = cycle_zone(_mornings(date(2026, 11, 2), 1, "23:50", "+09:00")[0])
    at = datetime(2026, 11, 13, tzinfo=zone)
    assert window.contains(at.replace(hour=0, minute=2), zone)  # after midnight
    assert window.contains(at.replace(hour=23, minute=25), zone)  # before it
    assert not window.contains(at.replace(hour=6, minute=30), zone)


def test_weekends_learn_their_own_window() -> None:
    """Up at 06:30 on weekdays, 09:00 at weekends."""
    window = WakeWindow()
    cycles = [
        cycle
        for cycle in _mornings(date(2026, 10, 19), 28, "06:30", "+00:00")
        if cycle.created_at.weekday() < 5
    ] + [
        replace(cycle, id=cycle.id + 100)
        for cycle in _mornings(date(2026, 10, 19), 28, "09:00", "+00:00")
        if cycle.created_at.weekday() >= 5
    ]
    window.learn(cycles)
    saturday, monday = (
        datetime(2026, 11, 14, tzinfo=UTC),
        datetime(2026, 11, 16, tzinfo=UTC),
    )
    assert window.contains(saturday.replace(hour=9), UTC)
    assert not window.contains(saturday.replace(hour=7), UTC)
    assert window.contains(monday.replace(hour=6, minute=30), UTC)
    assert not window.contains(monday.replace(hour=5, minute=30), UTC)


def _watch_through(samples: list[tuple[datetime, Cycle]]) -> ActivityWatch:
    watch = ActivityWatch()
    for at, cycle in samples:
        watch.observe(cycle, at)
    return watch


def test_a_jump_in_strain_is_an_exertion_and_its_end_is_noted() -> None:
    start = datetime(2026, 11, 20, 15, tzinfo=UTC)
    minutes = [start + timedelta(minutes=3 * index) for index in range(6)]
    watch = _watch_through(
        [
            (minutes[0], _cycle(1, start, "Z", strain=5.0, kilojoule=4000)),
            (minutes[1], _cycle(1, start, "Z", strain=5.03, kilojoule=4020)),
            (minutes[2], _cycle(1, start, "Z", strain=5.5, kilojoule=4080)),  # steep
        ]
    )
    assert watch.activity is Activity.EXERTING
    watch.observe(_cycle(1, start, "Z", strain=5.53, kilojoule=4100), minutes[3])
    assert watch.activity is Activity.AWAKE
    assert watch.exertion_ended_at == minutes[3]


def test_strain_standing_still_for_most_of_a_day_means_the_strap_is_off() -> None:
    start = datetime(2026, 11, 20, 8, tzinfo=UTC)
    cycle = _cycle(1, start, "Z", strain=3.0, kilojoule=2000)
    watch = ActivityWatch()
    watch.observe(cycle, start)
    watch.observe(cycle, start + timedelta(minutes=3))
    assert watch.activity is Activity.RESTING
    assert strain_interval(watch, start + timedelta(minutes=30)) < NOT_WORN_INTERVAL
    assert strain_interval(watch, start + timedelta(hours=19)) == NOT_WORN_INTERVAL


def test_without_strain_the_morning_record_is_awaited_by_its_age() -> None:
    """A member who granted recovery but not cycles: the old 22-hour rule."""
    recovery = Recovery.from_api(
        {**examples.recovery(), "created_at": "2026-11-20T07:00:00.000Z"}
    )
    at = datetime(2026, 11, 20, 7, tzinfo=UTC)
    assert morning_interval(recovery, None, at + timedelta(hours=2)) == (
        UNFOLLOWED_SETTLED_INTERVAL
    )
    assert morning_interval(recovery, None, at + timedelta(hours=23)) == (
        UNFOLLOWED_AWAITING_INTERVAL
    )
    assert morning_interval(recovery, None, at + timedelta(hours=40)) == MISSED_INTERVAL
    assert morning_interval(None, None, at) == MISSED_INTERVAL
    cycle = _cycle(recovery.cycle_id, at - timedelta(minutes=5), "Z")
    assert (
        morning_interval(recovery, cycle, at + timedelta(hours=2)) == SETTLED_INTERVAL
    )


def test_strain_resting_after_a_workout_is_awake_until_energy_slows() -> None:
    """After a hard workout day strain may stand still for hours while the member is up."""
    start = datetime(2026, 11, 20, 15, tzinfo=UTC)
    step = timedelta(minutes=3)
    watch = _watch_through(
        [
            (start, _cycle(1, start, "Z", strain=6.0, kilojoule=4000)),
            (start + step, _cycle(1, start, "Z", strain=6.6, kilojoule=4060)),
            (start + 2 * step, _cycle(1, start, "Z", strain=6.6, kilojoule=4080)),
            (start + 3 * step, _cycle(1, start, "Z", strain=6.6, kilojoule=4100)),
        ]
    )
    assert watch.activity is Activity.AWAKE  # strain still, energy at the awake pace
    assert strain_interval(watch, start + 3 * step) == AWAKE_INTERVAL
    # Hours later energy grows at a third of that pace (2 kJ a minute): asleep.
    later = start + 3 * step + timedelta(hours=6)
    watch.observe(_cycle(1, start, "Z", strain=6.6, kilojoule=4800), later)
    watch.observe(_cycle(1, start, "Z", strain=6.6, kilojoule=4806), later + step)
    assert watch.activity is Activity.RESTING
    assert strain_interval(watch, later + step) > AWAKE_INTERVAL


def test_the_end_of_a_nap_shows_in_energy_when_strain_stands_still() -> None:
    """A nap after a hard workout: strain stands still throughout, energy slows then recovers."""
    start = datetime(2026, 11, 20, 15, tzinfo=UTC)
    step = timedelta(minutes=3)
    samples = [(6.0, 4000), (6.6, 4060), (6.6, 4084), (6.6, 4108), (6.6, 4124)]
    watch = _watch_through(
        [
            (start + index * step, _cycle(1, start, "Z", strain=strain, kilojoule=kj))
            for index, (strain, kj) in enumerate(samples)
        ]
    )
    assert watch.activity is Activity.RESTING  # energy slowed from 8 to 5.3 kJ a minute
    assert watch.rest_ended_at is None
    up = start + len(samples) * step
    watch.observe(_cycle(1, start, "Z", strain=6.6, kilojoule=4148), up)
    assert watch.activity is Activity.AWAKE
    assert watch.rest_ended_at == up


@pytest.mark.parametrize(
    ("offset", "hours"),
    [("Z", 0), ("", 0), ("+05:30", 5.5), ("-03:00", -3), ("+xx:00", 0), ("+20:00", 0)],
)
def test_a_cycles_zone_is_its_offset_or_utc_when_it_is_none(
    offset: str, hours: float
) -> None:
    cycle = _cycle(1, datetime(2026, 11, 20, tzinfo=UTC), offset)
    assert cycle_zone(cycle).utcoffset(None) == timedelta(hours=hours)


def test_the_wake_window_keeps_the_recent_mornings_only() -> None:
    window = WakeWindow()
    window.learn(_mornings(date(2026, 1, 1), 90, "06:30", "Z"))
    assert len(window.wakes) == 60
    assert min(wake.at for wake in window.wakes.values()).date() == date(2026, 1, 31)
    # A month after the last morning nothing is recent: no window, rest is the night.
    assert not window.is_learned(datetime(2026, 5, 1, tzinfo=UTC))


def test_without_a_learned_window_a_long_rest_is_a_night_nearly_over() -> None:
    start = datetime(2026, 11, 20, 1, tzinfo=UTC)
    cycle = _cycle(1, start - timedelta(hours=18), "Z", strain=9.0, kilojoule=9000)
    watch = ActivityWatch()
    watch.observe(cycle, start)
    watch.observe(cycle, start + timedelta(minutes=3))
    watch.observe(
        cycle, start + timedelta(seconds=200)
    )  # too soon to tell a pace: no change
    assert watch.activity is Activity.RESTING
    assert strain_interval(watch, start + timedelta(hours=2)) == NIGHT_INTERVAL
    assert strain_interval(watch, start + timedelta(hours=6)) == WAKE_WINDOW_INTERVAL


def test_workouts_and_naps_are_awaited_by_their_own_signals() -> None:
    now = datetime(2026, 11, 20, 16, tzinfo=UTC)
    pending = Workout.from_api(
        {**examples.workout(), "score_state": "PENDING_SCORE", "score": None}
    )
    assert workout_interval(pending, None, now) == SCORING_INTERVAL
    assert workout_interval(None, None, now) == UNFOLLOWED_WORKOUT_INTERVAL
    watch = ActivityWatch(exertion_ended_at=now - timedelta(minutes=5))
    assert workout_interval(None, watch, now) == DETECTION_INTERVAL
    assert workout_interval(None, watch, now + timedelta(hours=1)) == (
        WORKOUT_FALLBACK_INTERVAL
    )
    nap = Sleep.from_api(
        {**examples.sleep(), "nap": True, "score_state": "PENDING_SCORE", "score": None}
    )
    assert nap_interval(nap, None, now) == SCORING_INTERVAL
    assert nap_interval(None, None, now) is None
    assert nap_interval(None, ActivityWatch(rest_ended_at=now), now) == (
        DETECTION_INTERVAL
    )


async def test_the_first_hour_asleep_is_looked_at_every_6_minutes_then_every_30(
    hass: HomeAssistant,
    sandbox: Sandbox,
    set_up_entry: SetUpEntry,
    freezer: FrozenDateTimeFactory,
) -> None:
    """The README's figures, literally: every 6 minutes while it may be a nap, then 30."""
    plan = sandbox.whoop.plan(JOHN.user_id, date(2026, 11, 5))
    onset = plan.night.start
    await _start(
        hass,
        sandbox,
        set_up_entry,
        freezer,
        REALISTIC[JOHN.user_id],
        onset - timedelta(hours=1),
    )
    await _run_until(hass, freezer, onset + timedelta(hours=4))

    # Strain stands still from the onset: for the first hour it may be a nap, a look every 6.
    first_hour = _times(sandbox, CYCLES, onset, onset + timedelta(hours=1))
    assert 9 <= len(first_hour) <= 12
    # From an hour and a half to four hours asleep: every 30 minutes.
    deep = _times(
        sandbox,
        CYCLES,
        onset + timedelta(hours=1, minutes=30),
        onset + timedelta(hours=4),
    )
    assert 4 <= len(deep) <= 6
    assert all(
        timedelta(minutes=29) <= later - earlier <= timedelta(minutes=31)
        for earlier, later in pairwise(deep)
    )


def test_the_readme_figures_for_a_long_rest() -> None:
    """README: around the usual wake-up time every 5 minutes; after 18 hours still, every 30."""
    start = datetime(2026, 11, 20, 8, tzinfo=UTC)
    cycle = _cycle(1, start, "Z", strain=3.0, kilojoule=2000)
    watch = ActivityWatch()
    watch.observe(cycle, start)
    watch.observe(cycle, start + timedelta(minutes=3))
    # Literal figures, not the constants: a changed constant must fail here.
    hurrying = strain_interval(watch, start + timedelta(hours=17, minutes=50))
    assert timedelta(minutes=4) <= hurrying <= timedelta(minutes=5)
    assert strain_interval(watch, start + timedelta(hours=18, minutes=10)) == timedelta(
        minutes=30
    )
