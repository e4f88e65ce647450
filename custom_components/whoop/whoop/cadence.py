"""Cadence: how soon each WHOOP data family is fetched again, from what the cycle polls reveal.

WHOOP allows 10,000 requests a day per developer app, shared by a household, so nothing is polled
often for nothing. Today's cycle (one request) is the lookout: its strain and energy tell whether
the member sleeps (strain stands still), is up and about, or works out (strain climbs fast; after
a hard workout strain may stand still while energy keeps its awake pace), and a new cycle tells
the member just woke up. From that:

- strain: every ~3 minutes while the member is awake; slower while asleep or napping, except in
  the member's usual wake window, learned from the times of their recent cycles (no fixed hour:
  shift work, travel and time zones are the member's own); slowly when nothing moved for most of
  a day (strap not worn);
- recovery and last night's sleep: right after a new cycle appears, then every ~2 minutes until
  scored; otherwise a reconciling look every few hours;
- workouts: a few minutes after strain stops climbing fast (the workout ended; WHOOP scores it
  minutes later), every ~2 minutes while one awaits its score;
- naps: when strain moves again after standing still within the day;
- body measurements: twice a day.

While WHOOP webhooks arrive, they announce scored records and polling only reconciles.
`script/bench` measures requests and freshness (docs/freshness.md).
"""

from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta, timezone
from enum import StrEnum

from ..whoop_api import Cycle, Recovery, ScoreState, Sleep, Workout

# Strain while awake: a workout's first tenth of strain shows within 3 minutes. DataUpdateCoordinator
# fires up to half a second after the interval.
ACTIVE_INTERVAL = timedelta(minutes=2, seconds=57)
# What strain starts at (nothing known yet), and keeps after a failed poll.
STRAIN_INTERVAL = ACTIVE_INTERVAL
# WHOOP's strain scale is logarithmic: once the day's strain is past this, the first tenth of a
# new effort takes half a minute or more, and polls may be that much further apart.
LOW_STRAIN = 1.2
AWAKE_INTERVAL = timedelta(minutes=3, seconds=25)
# Strain standing still in the day (a nap, or the strap off for a while).
NAP_INTERVAL = timedelta(minutes=6)
# Strain standing still for an hour: the night (outside the wake window).
NIGHT_INTERVAL = timedelta(minutes=30)
REST_IS_NIGHT_AFTER = timedelta(hours=1)
# A rest starting this soon after waking is a nap, taken at the nap pace for up to 2 hours.
NAP_STARTS_WITHIN = timedelta(hours=12)
LONGEST_NAP = timedelta(hours=2)
# Nothing moved for this long: the strap is not worn; the wake window is no reason to hurry.
NOT_WORN_AFTER = timedelta(hours=18)
NOT_WORN_INTERVAL = timedelta(minutes=30)

# Wake window: around the member's recent wake times (cycle creation), per kind of day. Inside
# it, the new cycle is seen within 5 minutes: WHOOP scores the night 3 minutes or more after
# creating it, so the recovery still shows within 2 minutes of its scoring.
WAKE_HISTORY = timedelta(days=28)
WAKE_EARLY_MARGIN = timedelta(minutes=30)
# Late in the window costs nothing on a usual day (once up, strain moves and is polled anyway),
# and a late morning is then still caught.
WAKE_LATE_MARGIN = timedelta(hours=3)
WAKE_WINDOW_INTERVAL = timedelta(minutes=4, seconds=55)
MIN_WAKES_OF_A_KIND = 3
MIN_WAKES = 3
# Without enough history, a rest this long is taken to be a night nearly over.
UNLEARNED_NIGHT_NEARLY_OVER = timedelta(hours=5)
REMEMBERED_WAKES = 60
WEEKEND_DAYS = frozenset({5, 6})
MINUTES_PER_DAY = 24 * 60

# A change of 0.1 strain within a fraction of a minute: strain this steep means a workout.
EXERTION_STRAIN_PER_MINUTE = 0.025
# On a plateau after a workout (strain still, the member awake), energy slowing down by this
# factor means sleep.
PLATEAU_ENDS_FACTOR = 1.3
PLATEAU_STEADY_FACTOR = 1.1
# Shorter polls say too little about a rate.
MIN_RATE_SPAN = timedelta(seconds=30)
STILL_STRAIN = 1e-6

# A scored-soon record (pending, or announced by a new cycle) is looked for this often: under a
# minute, so that it shows sooner than a client polling everything every 2 minutes would show it
# (a few requests a record, while WHOOP scores it).
SCORING_INTERVAL = timedelta(seconds=55)
# Before WHOOP shows a finished workout or nap (minutes after it ends); it then takes 3 minutes
# or more to score, so looking this often still shows it within 2 minutes of scoring.
DETECTION_INTERVAL = timedelta(minutes=4, seconds=55)
WORKOUT_SCORED_WITHIN = timedelta(minutes=30)
NAP_SCORED_WITHIN = timedelta(minutes=30)
# Strain shows an end this long after it at most (a poll interval while resting, and some).
NOTICED_WITHIN = timedelta(minutes=45)
# WHOOP scores the night minutes after creating the cycle; then less often, up to 3 hours (strap
# not worn that night: no recovery will come).
NEW_CYCLE_SCORED_WITHIN = timedelta(minutes=25)
NEW_CYCLE_LATE_INTERVAL = timedelta(minutes=15)
NEW_CYCLE_AWAITED_FOR = timedelta(hours=3)

# Reconciling looks, for what the cycle did not announce.
SETTLED_INTERVAL = timedelta(hours=6)
MISSED_INTERVAL = timedelta(minutes=30)
WORKOUT_FALLBACK_INTERVAL = timedelta(hours=4)
BODY_INTERVAL = timedelta(hours=12)

# Without a cycle to follow (strain not granted): the record of a day comes about a day after
# the last one; look often from 22 hours on, until 36 hours (strap not worn).
NEXT_MORNING_AFTER = timedelta(hours=22)
GIVE_UP_AWAITING_AFTER = timedelta(hours=36)
UNFOLLOWED_AWAITING_INTERVAL = timedelta(minutes=4)
UNFOLLOWED_SETTLED_INTERVAL = timedelta(hours=1)
UNFOLLOWED_WORKOUT_INTERVAL = timedelta(minutes=30)

# While webhooks arrive: strain has none, but the hunt for scored records is theirs now.
PUSHED_STRAIN_INTERVAL = timedelta(minutes=20)
RECONCILE_INTERVAL = timedelta(hours=3)
WEBHOOKS_QUIET_AFTER = timedelta(hours=26)


class Activity(StrEnum):
    """What the last two cycle polls say the member is doing."""

    UNKNOWN = "unknown"
    WOKE = "woke"
    AWAKE = "awake"
    EXERTING = "exerting"
    RESTING = "resting"


def cycle_zone(cycle: Cycle) -> timezone:
    """Return the fixed UTC offset the cycle was recorded in (``+HH:MM``, ``-HH:MM`` or ``Z``)."""
    offset = cycle.timezone_offset.strip()
    if offset in {"", "Z", "z"}:
        return UTC
    sign = -1 if offset.startswith("-") else 1
    hours, _, minutes = offset.lstrip("+-").partition(":")
    try:
        delta = timedelta(hours=int(hours), minutes=int(minutes or 0))
    except ValueError:
        return UTC
    # Offsets run from -12:00 to +14:00; anything else is not one.
    return timezone(sign * delta) if delta <= timedelta(hours=14) else UTC


@dataclass(frozen=True, slots=True)
class Wake:
    """One morning: when WHOOP created the cycle, in the member's clock of that day."""

    at: datetime
    minute_of_day: int
    weekend: bool


def _wake_of(cycle: Cycle) -> Wake:
    local = cycle.created_at.astimezone(cycle_zone(cycle))
    return Wake(
        at=cycle.created_at,
        minute_of_day=local.hour * 60 + local.minute,
        weekend=local.weekday() in WEEKEND_DAYS,
    )


def _circular_minutes(minutes: int) -> int:
    """Return ``minutes`` folded into -720..719, so that 23:50 is 20 minutes before 00:10."""
    return (minutes + MINUTES_PER_DAY // 2) % MINUTES_PER_DAY - MINUTES_PER_DAY // 2


@dataclass(slots=True)
class WakeWindow:
    """The member's usual wake times, learned from the creation of their cycles."""

    wakes: dict[int, Wake] = field(default_factory=dict)

    def learn(self, cycles: list[Cycle]) -> None:
        """Remember the wake time of each cycle (ids are kept: a cycle is learned once)."""
        for cycle in cycles:
            if cycle.id not in self.wakes:
                self.wakes[cycle.id] = _wake_of(cycle)
        if len(self.wakes) > REMEMBERED_WAKES:
            newest = sorted(self.wakes.items(), key=lambda item: item[1].at)
            self.wakes = dict(newest[-REMEMBERED_WAKES:])

    def is_learned(self, now: datetime) -> bool:
        """Tell whether enough recent mornings are known to have a window."""
        return len(self._recent(now)) >= MIN_WAKES

    def contains(self, now: datetime, zone: timezone) -> bool:
        """Tell whether ``now`` (in the member's ``zone``) lies in a usual wake window.

        The window is the union of each recent wake of the same kind of day (weekday, weekend)
        widened by the margins, on the member's local clock: a daylight-saving change or a trip
        keeps the habit at the same local hour.
        """
        local = now.astimezone(zone)
        recent = self._recent(now)
        weekend = local.weekday() in WEEKEND_DAYS
        same_kind = [wake for wake in recent if wake.weekend == weekend]
        wakes = same_kind if len(same_kind) >= MIN_WAKES_OF_A_KIND else recent
        minute = local.hour * 60 + local.minute
        early = int(WAKE_EARLY_MARGIN.total_seconds() // 60)
        late = int(WAKE_LATE_MARGIN.total_seconds() // 60)
        return any(
            -early <= _circular_minutes(minute - wake.minute_of_day) <= late
            for wake in wakes
        )

    def _recent(self, now: datetime) -> list[Wake]:
        return [wake for wake in self.wakes.values() if now - wake.at <= WAKE_HISTORY]


@dataclass(frozen=True, slots=True)
class CycleSample:
    """Today's cycle as one poll saw it."""

    at: datetime
    cycle_id: int
    strain: float
    kilojoule: float


@dataclass(slots=True)
class ActivityWatch:
    """Reads the member's activity off successive cycle polls; remembers the moments that matter.

    ``exertion_ended_at``: strain stopped climbing fast (a workout ended; WHOOP scores it soon).
    ``rest_ended_at``: strain moved again after standing still within the same cycle (a nap ended).
    ``new_cycle_at``: a new cycle appeared (the member woke up; the night gets scored soon).
    """

    wake_window: WakeWindow = field(default_factory=WakeWindow)
    activity: Activity = Activity.UNKNOWN
    last: CycleSample | None = None
    still_since: datetime | None = None
    exertion_ended_at: datetime | None = None
    rest_ended_at: datetime | None = None
    new_cycle_at: datetime | None = None
    plateau: bool = False
    plateau_rate: float | None = None
    rest_rate: float | None = None
    """The slowest energy pace of the current rest (the last interval's pace otherwise)."""
    zone: timezone = UTC
    woke_at: datetime | None = None
    """When WHOOP created the current cycle (the member woke up)."""

    def observe(self, cycle: Cycle | None, now: datetime) -> Activity:
        """Take in the current cycle as polled at ``now``; return the activity it shows."""
        score = cycle.score if cycle is not None else None
        if (
            cycle is None
            or score is None
            or score.strain is None
            or score.kilojoule is None
        ):
            # Nothing to read a pace from (implausible values are dropped as unknown).
            return self.activity
        self.zone = cycle_zone(cycle)
        self.woke_at = cycle.created_at
        sample = CycleSample(now, cycle.id, score.strain, score.kilojoule)
        last, self.last = self.last, sample
        if last is None:
            self.activity = Activity.UNKNOWN
            return self.activity
        if sample.cycle_id != last.cycle_id:
            self.wake_window.learn([cycle])
            self.new_cycle_at = now
            self.still_since = None
            self.plateau = False
            self.activity = Activity.WOKE
            return self.activity
        span = sample.at - last.at
        if span < MIN_RATE_SPAN:
            return self.activity
        minutes = span.total_seconds() / 60
        strain_rate = (sample.strain - last.strain) / minutes
        energy_rate = (sample.kilojoule - last.kilojoule) / minutes
        self.activity = self._classify(strain_rate, energy_rate, last.at, now)
        return self.activity

    def _classify(
        self, strain_rate: float, energy_rate: float, since: datetime, now: datetime
    ) -> Activity:
        previous = self.activity
        still = abs(strain_rate) < STILL_STRAIN
        self._follow_plateau(energy_rate, previous, still=still)
        self.rest_rate = (
            min(self.rest_rate, energy_rate)
            if previous is Activity.RESTING and self.rest_rate is not None
            else energy_rate
        )
        # Strain standing still is rest (asleep, a nap, the strap off), unless it rests at a
        # workout's level while energy keeps its awake pace (see _follow_plateau).
        if still and (energy_rate <= 0 or not self.plateau):
            activity = Activity.RESTING
        elif strain_rate >= EXERTION_STRAIN_PER_MINUTE:
            activity = Activity.EXERTING
        else:
            activity = Activity.AWAKE
        self._note_transition(previous, activity, since, now)
        return activity

    def _follow_plateau(
        self, energy_rate: float, previous: Activity, *, still: bool
    ) -> None:
        """Tell a plateau after a workout (member awake) from rest, by the energy's pace."""
        if not still:
            self.plateau = False
        elif (
            previous is Activity.RESTING
            and self.rest_rate is not None
            and self.rest_rate > 0
            and energy_rate > self.rest_rate * PLATEAU_ENDS_FACTOR
        ):
            # Up again (energy back to its awake pace) while strain still rests at the level
            # a workout left it: the end of a nap.
            self.plateau = True
            self.plateau_rate = energy_rate
        elif previous is Activity.EXERTING:
            # Day strain may stand still for a while after a hard workout, the member awake.
            # The first still interval still holds the workout's end: its pace is no measure.
            self.plateau = True
            self.plateau_rate = None
        elif self.plateau and self.plateau_rate is None:
            self.plateau_rate = energy_rate
        elif self.plateau and self.plateau_rate is not None:
            if energy_rate * PLATEAU_ENDS_FACTOR < self.plateau_rate:
                # Energy slowed down well below its awake pace: asleep now.
                self.plateau = False
            elif energy_rate * PLATEAU_STEADY_FACTOR >= self.plateau_rate:
                # Still the awake pace (an interval half asleep is left out).
                self.plateau_rate = energy_rate

    def _note_transition(
        self, previous: Activity, activity: Activity, since: datetime, now: datetime
    ) -> None:
        if activity is Activity.RESTING:
            if self.still_since is None:
                self.still_since = since
        else:
            self.still_since = None
            if previous is Activity.RESTING:
                self.rest_ended_at = now
        if previous is Activity.EXERTING and activity is not Activity.EXERTING:
            self.exertion_ended_at = now

    def resting_for(self, now: datetime) -> timedelta:
        """Return how long strain has stood still (zero unless resting)."""
        if self.activity is not Activity.RESTING or self.still_since is None:
            return timedelta()
        return now - self.still_since


def strain_interval(watch: ActivityWatch, now: datetime) -> timedelta:
    """Return how soon to poll today's cycle again."""
    if watch.activity is Activity.AWAKE and (
        watch.last is not None and watch.last.strain >= LOW_STRAIN
    ):
        return AWAKE_INTERVAL
    if watch.activity is not Activity.RESTING:
        return ACTIVE_INTERVAL
    rest = watch.resting_for(now)
    if rest >= NOT_WORN_AFTER:
        return NOT_WORN_INTERVAL
    window = watch.wake_window
    if window.is_learned(now):
        if window.contains(now, watch.zone):
            return WAKE_WINDOW_INTERVAL
    elif rest >= UNLEARNED_NIGHT_NEARLY_OVER:
        return WAKE_WINDOW_INTERVAL
    if rest < REST_IS_NIGHT_AFTER or (
        rest < LONGEST_NAP
        and watch.woke_at is not None
        and now - rest - watch.woke_at < NAP_STARTS_WITHIN
    ):
        return NAP_INTERVAL
    return NIGHT_INTERVAL


def morning_interval(
    record: Recovery | Sleep | None, current_cycle: Cycle | None, now: datetime
) -> timedelta:
    """Return how soon to look again for the record scored each morning (recovery, the night).

    A new cycle without its record announces it; without a cycle to follow, the record's age.
    """
    if record is not None and record.score_state is ScoreState.PENDING_SCORE:
        return SCORING_INTERVAL
    if current_cycle is None:
        return _unfollowed_morning_interval(record, now)
    if record is None or record.cycle_id != current_cycle.id:
        awaited = now - current_cycle.created_at
        if awaited < NEW_CYCLE_SCORED_WITHIN:
            return SCORING_INTERVAL
        if awaited < NEW_CYCLE_AWAITED_FOR:
            return NEW_CYCLE_LATE_INTERVAL
    return MISSED_INTERVAL if record is None else SETTLED_INTERVAL


def _unfollowed_morning_interval(
    record: Recovery | Sleep | None, now: datetime
) -> timedelta:
    if record is None:
        return MISSED_INTERVAL
    age = now - record.created_at
    if age < NEXT_MORNING_AFTER:
        return UNFOLLOWED_SETTLED_INTERVAL
    if age < GIVE_UP_AWAITING_AFTER:
        return UNFOLLOWED_AWAITING_INTERVAL
    return MISSED_INTERVAL


def workout_interval(
    latest: Workout | None, watch: ActivityWatch | None, now: datetime
) -> timedelta:
    """Return how soon to look for a workout: often only once strain says one just ended."""
    if latest is not None and latest.score_state is ScoreState.PENDING_SCORE:
        return SCORING_INTERVAL
    if watch is None:
        return UNFOLLOWED_WORKOUT_INTERVAL
    ended = watch.exertion_ended_at
    if (
        ended is not None
        and now - ended < WORKOUT_SCORED_WITHIN
        and not _ended_near(latest, ended)
    ):
        return DETECTION_INTERVAL
    return WORKOUT_FALLBACK_INTERVAL


def nap_interval(
    latest_nap: Sleep | None, watch: ActivityWatch | None, now: datetime
) -> timedelta | None:
    """Return how soon to look for a nap, or None when no nap is likely to be scored soon."""
    if latest_nap is not None and latest_nap.score_state is ScoreState.PENDING_SCORE:
        return SCORING_INTERVAL
    if watch is None:
        return None
    ended = watch.rest_ended_at
    if (
        ended is not None
        and now - ended < NAP_SCORED_WITHIN
        and not _ended_near(latest_nap, ended)
    ):
        return DETECTION_INTERVAL
    return None


def _ended_near(record: Workout | Sleep | None, noticed: datetime) -> bool:
    """Tell whether ``record`` is the one whose end strain showed at ``noticed``."""
    return record is not None and record.end >= noticed - NOTICED_WITHIN
