"""Deterministic, realistic WHOOP days for one member, from a seed.

Each local date gets a plan (the night that ends that morning, its recovery, naps, workouts and
the day's strain) drawn from random generators seeded by (seed, user, date, purpose), so a day never
changes when other days or the clock change. ``records(now)`` then shows what WHOOP would show at
``now``: records appear when detected, stay PENDING_SCORE for a few minutes, the running cycle has
no ``end`` and its strain grows through the day.

A member with ``realistic=True`` gets days as unruly as real ones: wake times that move by an hour
or more from day to day (later at weekends), workouts at any time of day, naps on some days,
workouts scored some minutes after they end, strain that rises during workouts and stands still
asleep, and some nights without the strap.

History is long (two years by default), so finished days are built once and kept: a day is
settled once its cycle has ended and everything in it is scored. Timelines of the same member,
seed and first day share that memory, so every sandbox of a test run reuses it.
"""

from dataclasses import dataclass, field
from datetime import UTC, date, datetime, time, timedelta
import functools
import random
from uuid import UUID

from .members import Member
from .records import (
    Cycle,
    CycleScore,
    MemberRecords,
    Recovery,
    RecoveryScore,
    ScoreState,
    Sleep,
    SleepNeeded,
    SleepScore,
    StageSummary,
    Workout,
    WorkoutScore,
    ZoneDurations,
)

_MILLI_PER_MINUTE = 60_000
_MILLI_PER_HOUR = 3_600_000
_CALIBRATION_DAYS = 4
_NOT_WORN_SHARE = 0.07
_LONG_AGO = datetime.min.replace(tzinfo=UTC)
_CYCLE_ID_EPOCH = date(2020, 1, 1)

# Sport name, relative frequency, speed range in m/s (None: the sport covers no distance).
_SPORTS: tuple[tuple[str, int, tuple[float, float] | None], ...] = (
    ("running", 30, (2.6, 3.4)),
    ("cycling", 20, (6.5, 9.0)),
    ("weightlifting", 20, None),
    ("functional-fitness", 10, None),
    ("yoga", 10, None),
    ("walking", 10, (1.2, 1.6)),
)


@dataclass(frozen=True, slots=True)
class SleepPlan:
    """A sleep or nap as it will be once scored, with the times it appears and gets scored."""

    id: UUID
    start: datetime
    end: datetime
    detected_at: datetime
    scored_at: datetime
    nap: bool
    unscorable: bool
    score: SleepScore


@dataclass(frozen=True, slots=True)
class WorkoutPlan:
    """A workout as it will be once scored, with the times it appears and gets scored."""

    id: UUID
    start: datetime
    end: datetime
    detected_at: datetime
    scored_at: datetime
    sport_name: str
    unscorable: bool
    score: WorkoutScore


@dataclass(frozen=True, slots=True)
class DayPlan:
    """One local date: the night ending that morning starts the cycle ``cycle_id``."""

    day: date
    cycle_id: int
    night: SleepPlan
    recovery: RecoveryScore
    naps: tuple[SleepPlan, ...]
    workouts: tuple[WorkoutPlan, ...]
    base_strain: float
    """Strain of daily life, without workouts, reached by the end of the cycle."""
    activity_kilojoule: float
    resting_kilojoule_per_hour: float
    average_heart_rate: int
    base_max_heart_rate: int
    night_worn: bool = True
    """False when the member slept without the strap (a realistic member, some nights)."""


@dataclass(frozen=True, slots=True)
class _DayRecords:
    """What one day contributes to the member's records at some instant."""

    cycle: Cycle
    sleeps: tuple[Sleep, ...]
    recovery: Recovery | None
    workouts: tuple[Workout, ...]


@dataclass(slots=True)
class _Memory:
    """Plans and settled days of one (member, seed, first day): they never change."""

    plans: dict[date, DayPlan] = field(default_factory=dict)
    base_strain: dict[date, float] = field(default_factory=dict)
    naps: dict[date, tuple[SleepPlan, ...]] = field(default_factory=dict)
    settled: dict[tuple[date, bool], _DayRecords] = field(default_factory=dict)
    settled_at: dict[date, datetime] = field(default_factory=dict)


@dataclass(slots=True)
class _Prefix:
    """The records of the leading run of settled days, kept between ``records`` calls."""

    not_worn: frozenset[date]
    days: int = 0
    settled_at: datetime = _LONG_AGO
    cycles: list[Cycle] = field(default_factory=list)
    sleeps: list[Sleep] = field(default_factory=list)
    recoveries: list[Recovery] = field(default_factory=list)
    workouts: list[Workout] = field(default_factory=list)

    def add(self, day: _DayRecords) -> None:
        """Append one day's records."""
        self.cycles.append(day.cycle)
        self.sleeps.extend(day.sleeps)
        if day.recovery is not None:
            self.recoveries.append(day.recovery)
        self.workouts.extend(day.workouts)


@functools.lru_cache(maxsize=64)
def _memory(member: Member, seed: int, since: date) -> _Memory:
    return _Memory()


class MemberTimeline:
    """The generated history of one member from ``since`` on."""

    def __init__(self, member: Member, seed: int, since: date) -> None:
        """Generate days for ``member`` from ``seed``, the first being the local date ``since``."""
        self.member = member
        self.seed = seed
        self.since = since
        self._memory = _memory(member, seed, since)
        self._plans = self._memory.plans
        self._prefix: _Prefix | None = None
        # Under a fixed clock many requests ask for the same instant: keep the last answer.
        self._last: (
            tuple[tuple[datetime, frozenset[date], frozenset[UUID]], MemberRecords]
            | None
        ) = None
        id_rng = random.Random(f"{seed}:{member.user_id}:cycle-ids")
        self._cycle_id_base = id_rng.randrange(1_000, 9_999) * 10_000

    def _rng(self, day: date, purpose: str) -> random.Random:
        """Return the random generator of one purpose on one day (stable whatever else changes)."""
        return random.Random(
            f"{self.seed}:{self.member.user_id}:{day.isoformat()}:{purpose}"
        )

    def _local(self, day: date, hour: int, minute: int = 0) -> datetime:
        """Return ``day`` at ``hour:minute`` in the member's time zone."""
        return datetime.combine(day, time(hour, minute), self.member.tzinfo)

    def cycle_id(self, day: date) -> int:
        """Return the stable id of the cycle that starts with the night ending on ``day``."""
        return self._cycle_id_base + (day - _CYCLE_ID_EPOCH).days

    def plan(self, day: date) -> DayPlan:
        """Return the plan of ``day`` (cached: plans never change)."""
        cached = self._plans.get(day)
        if cached is None:
            cached = self._plans[day] = self._make_plan(day)
        return cached

    def _make_plan(self, day: date) -> DayPlan:
        night_rng = self._rng(day, "night")
        onset = self._local(day - timedelta(days=1), 22, 30) + _jitter(
            night_rng, 0, 120
        )
        wake = self._local(day, 6, 0) + _jitter(night_rng, 0, 120)
        if self.member.realistic:
            onset, wake = self._realistic_night(day)
        need = SleepNeeded(
            baseline_milli=round(self.member.sleep_baseline_hours * _MILLI_PER_HOUR),
            need_from_sleep_debt_milli=night_rng.randrange(0, 50) * _MILLI_PER_MINUTE,
            need_from_recent_strain_milli=round(
                max(0.0, self._base_strain(day - timedelta(days=1)) - 8.0)
                * 4
                * _MILLI_PER_MINUTE
            ),
            need_from_recent_nap_milli=-round(
                sum(
                    _asleep_milli(nap.score)
                    for nap in self._naps(day - timedelta(days=1))
                )
                * 0.8
            ),
        )
        night = _plan_sleep(
            night_rng,
            start=onset,
            end=wake,
            need=need,
            nap=False,
            unscorable=day > self.since and night_rng.random() < 0.04,
        )
        return DayPlan(
            day=day,
            cycle_id=self.cycle_id(day),
            night=night,
            recovery=self._recovery(day, night),
            naps=self._naps(day),
            workouts=self._realistic_workouts(day, wake)
            if self.member.realistic
            else self._workouts(day, wake),
            base_strain=self._base_strain(day),
            activity_kilojoule=self._rng(day, "energy").uniform(1500.0, 3500.0),
            resting_kilojoule_per_hour=self.member.weight_kilogram * 3.6,
            average_heart_rate=self._rng(day, "heart").randint(58, 72),
            base_max_heart_rate=self._rng(day, "heart-max").randint(105, 140),
            night_worn=not (
                self.member.realistic
                and day > self.since
                and self._rng(day, "strap").random() < _NOT_WORN_SHARE
            ),
        )

    def _realistic_night(self, day: date) -> tuple[datetime, datetime]:
        """Return sleep onset and wake: wake wanders by about an hour, later at weekends."""
        rng = self._rng(day, "realistic-night")
        usual = 8 * 60 if day.weekday() >= 5 else 6 * 60 + 30
        wake_minutes = min(10 * 60, max(5 * 60, round(usual + rng.gauss(0, 50))))
        wake = self._local(day, 0) + timedelta(
            minutes=wake_minutes, milliseconds=rng.randrange(60_000)
        )
        asleep_hours = min(
            10.0, max(4.5, rng.gauss(self.member.sleep_baseline_hours - 0.2, 0.9))
        )
        # Bed after the previous day's last workout (they end by 21:30), and by 02:30 at the latest.
        onset = min(
            self._local(day, 2, 30),
            max(
                self._local(day - timedelta(days=1), 21, 45),
                wake - timedelta(hours=asleep_hours),
            ),
        )
        return onset, onset + timedelta(milliseconds=_milli(wake - onset))

    def _realistic_workouts(self, day: date, wake: datetime) -> tuple[WorkoutPlan, ...]:
        """Return 0-2 workouts at random times between waking and 21:30, clear of naps."""
        rng = self._rng(day, "realistic-workouts")
        count = rng.choices((0, 1, 2), weights=(40, 45, 15))[0]
        busy = [(nap.start, nap.end) for nap in self._naps(day)]
        latest_end = self._local(day, 21, 30)
        workouts: list[WorkoutPlan] = []
        for _ in range(count):
            for _attempt in range(10):
                duration = _jitter(rng, 25, 90)
                earliest = wake + timedelta(minutes=20)
                room = _milli(latest_end - duration - earliest)
                if room <= 0:
                    break
                start = earliest + timedelta(milliseconds=rng.randrange(room))
                end = start + duration
                if all(
                    end <= other_start or start >= other_end
                    for other_start, other_end in busy
                ):
                    workouts.append(
                        self._workout(
                            rng,
                            start,
                            duration=duration,
                            detection=(2, 15),
                            scoring=(3, 12),
                        )
                    )
                    busy.append((start, end))
                    break
        return tuple(sorted(workouts, key=lambda workout: workout.start))

    def _base_strain(self, day: date) -> float:
        cached = self._memory.base_strain.get(day)
        if cached is None:
            cached = self._memory.base_strain[day] = self._rng(day, "strain").uniform(
                4.0, 12.0
            )
        return cached

    def _naps(self, day: date) -> tuple[SleepPlan, ...]:
        cached = self._memory.naps.get(day)
        if cached is None:
            cached = self._memory.naps[day] = (
                self._realistic_naps(day)
                if self.member.realistic
                else self._usual_naps(day)
            )
        return cached

    def _realistic_naps(self, day: date) -> tuple[SleepPlan, ...]:
        """Return a nap on about a quarter of days, between noon and 17:30."""
        rng = self._rng(day, "realistic-naps")
        if rng.random() >= 0.25:
            return ()
        start = self._local(day, 12, 0) + _jitter(rng, 0, 270)
        return (self._nap(rng, start, start + _jitter(rng, 15, 75)),)

    def _usual_naps(self, day: date) -> tuple[SleepPlan, ...]:
        rng = self._rng(day, "naps")
        if rng.random() >= 0.2:
            return ()
        start = self._local(day, 13, 0) + _jitter(rng, 0, 180)
        end = start + _jitter(rng, 20, 60)
        return (self._nap(rng, start, end),)

    def _nap(self, rng: random.Random, start: datetime, end: datetime) -> SleepPlan:
        need = SleepNeeded(
            baseline_milli=round(self.member.sleep_baseline_hours * _MILLI_PER_HOUR),
            need_from_sleep_debt_milli=0,
            need_from_recent_strain_milli=0,
            need_from_recent_nap_milli=0,
        )
        return _plan_sleep(
            rng, start=start, end=end, need=need, nap=True, unscorable=False
        )

    def _recovery(self, day: date, night: SleepPlan) -> RecoveryScore:
        rng = self._rng(day, "recovery")
        yesterday_strain = self._base_strain(day - timedelta(days=1))
        performance = night.score.sleep_performance_percentage
        raw = (
            rng.triangular(10.0, 99.0, 62.0)
            + (performance - 85.0) * 0.4
            - (yesterday_strain - 8.0)
        )
        score = min(99, max(1, round(raw)))
        member = self.member
        return RecoveryScore(
            user_calibrating=(day - self.since).days < _CALIBRATION_DAYS,
            recovery_score=score,
            resting_heart_rate=round(
                member.resting_heart_rate + (60 - score) / 8 + rng.uniform(-2, 2)
            ),
            hrv_rmssd_milli=round(
                member.hrv_rmssd_milli
                * (0.55 + 0.9 * score / 100)
                * rng.uniform(0.95, 1.05),
                6,
            ),
            spo2_percentage=round(rng.uniform(94.5, 98.5), 4)
            if member.has_spo2_and_skin_temp
            else None,
            skin_temp_celsius=round(rng.uniform(33.2, 34.6), 2)
            if member.has_spo2_and_skin_temp
            else None,
        )

    def _workouts(self, day: date, wake: datetime) -> tuple[WorkoutPlan, ...]:
        rng = self._rng(day, "workouts")
        count = rng.choices((0, 1, 2), weights=(35, 45, 20))[0]
        slots = [
            wake + _jitter(rng, 40, 120),
            self._local(day, 17, 0) + _jitter(rng, 0, 150),
        ]
        if count == 1:
            slots = [rng.choice(slots)]
        return tuple(self._workout(rng, start) for start in slots[:count])

    def _workout(
        self,
        rng: random.Random,
        start: datetime,
        *,
        duration: timedelta | None = None,
        detection: tuple[int, int] = (1, 3),
        scoring: tuple[int, int] = (2, 6),
    ) -> WorkoutPlan:
        """Plan a workout from ``start``; detected and scored the given minutes after its end."""
        sport_name, _, speed = rng.choices(
            _SPORTS, weights=[weight for _, weight, _ in _SPORTS]
        )[0]
        end = start + (duration if duration is not None else _jitter(rng, 25, 90))
        duration_milli = _milli(end - start)
        intensity = rng.uniform(0.4, 1.0)
        member = self.member
        average = round(
            member.resting_heart_rate
            + intensity * (member.max_heart_rate - member.resting_heart_rate) * 0.6
        )
        distance = altitude_gain = altitude_change = None
        if speed is not None:
            distance = round(rng.uniform(*speed) * duration_milli / 1000, 1)
            altitude_gain = round(rng.uniform(2.0, 15.0) * distance / 1000, 1)
            altitude_change = round(rng.uniform(-20.0, 20.0), 1)
        percent_recorded = (
            100 if rng.random() < 0.8 else round(rng.uniform(92.0, 99.9), 2)
        )
        score = WorkoutScore(
            strain=round(
                min(
                    20.5,
                    3.0 + intensity * 9.0 * (duration_milli / _MILLI_PER_HOUR) ** 0.5,
                ),
                6,
            ),
            average_heart_rate=average,
            max_heart_rate=min(member.max_heart_rate, average + rng.randint(12, 30)),
            kilojoule=round(
                duration_milli / _MILLI_PER_MINUTE * (6.0 + 10.0 * intensity), 4
            ),
            percent_recorded=percent_recorded,
            zone_durations=_zone_durations(rng, duration_milli, intensity),
            distance_meter=distance,
            altitude_gain_meter=altitude_gain,
            altitude_change_meter=altitude_change,
        )
        detected_at = end + _jitter(rng, *detection)
        return WorkoutPlan(
            id=_uuid(rng),
            start=start,
            end=end,
            detected_at=detected_at,
            scored_at=detected_at + _jitter(rng, *scoring),
            sport_name=sport_name,
            unscorable=rng.random() < 0.03,
            score=score,
        )

    def cycle_score(
        self, plan: DayPlan, planned_end: datetime, at: datetime
    ) -> CycleScore:
        """Return the cycle's score at ``at``: strain and energy grow while the member is awake."""
        if self.member.realistic:
            return self._realistic_cycle_score(plan, planned_end, at)
        wake = plan.night.end
        awake_fraction = min(1.0, max(0.0, (at - wake) / (planned_end - wake)))
        done = [workout.score for workout in plan.workouts if workout.end <= at]
        workout_strain = sum(score.strain for score in done)
        strongest = max((score.strain for score in done), default=0.0)
        strain = max(
            strongest + 1.0 if done else 0.0,
            plan.base_strain * awake_fraction**0.7 + 0.45 * workout_strain,
        )
        hours = (min(at, planned_end) - plan.night.start) / timedelta(hours=1)
        kilojoule = (
            plan.resting_kilojoule_per_hour * hours
            + plan.activity_kilojoule * awake_fraction
            + sum(score.kilojoule for score in done)
        )
        max_heart_rate = max(
            [plan.base_max_heart_rate, *(score.max_heart_rate for score in done)]
        )
        return CycleScore(
            strain=round(min(20.9, strain), 7),
            kilojoule=round(kilojoule, 3),
            average_heart_rate=plan.average_heart_rate,
            max_heart_rate=max_heart_rate,
        )

    def _realistic_cycle_score(
        self, plan: DayPlan, planned_end: datetime, at: datetime
    ) -> CycleScore:
        """Strain accrues awake (not asleep or napping) and climbs during each workout."""
        wake = plan.night.end
        naps = [(nap.start, nap.end) for nap in plan.naps]
        awake_total = _awake(wake, planned_end, naps)
        awake_fraction = (
            min(1.0, _awake(wake, min(at, planned_end), naps) / awake_total)
            if awake_total > timedelta()
            else 0.0
        )
        progress = [
            (
                workout.score,
                min(
                    1.0, max(0.0, (at - workout.start) / (workout.end - workout.start))
                ),
            )
            for workout in plan.workouts
        ]
        workout_strain = sum(score.strain * part for score, part in progress)
        strongest = max((score.strain * part for score, part in progress), default=0.0)
        strain = max(
            strongest + 1.0 if strongest else 0.0,
            plan.base_strain * awake_fraction + 0.45 * workout_strain,
        )
        hours = (min(at, planned_end) - plan.night.start) / timedelta(hours=1)
        kilojoule = (
            plan.resting_kilojoule_per_hour * hours
            + plan.activity_kilojoule * awake_fraction
            + sum(score.kilojoule * part for score, part in progress)
        )
        max_heart_rate = max(
            [
                plan.base_max_heart_rate,
                *(score.max_heart_rate for score, part in progress if part > 0),
            ]
        )
        return CycleScore(
            strain=round(min(20.9, strain), 7),
            kilojoule=round(kilojoule, 3),
            average_heart_rate=plan.average_heart_rate,
            max_heart_rate=max_heart_rate,
        )

    def records(
        self,
        now: datetime,
        *,
        not_worn: frozenset[date] = frozenset(),
        deleted_workouts: frozenset[UUID] = frozenset(),
    ) -> MemberRecords:
        """Return what WHOOP shows for this member at ``now``, every list newest first."""
        key = (now, not_worn, deleted_workouts)
        if self._last is None or self._last[0] != key:
            self._last = (key, self._records(now, not_worn, deleted_workouts))
        return self._last[1]

    def _records(
        self,
        now: datetime,
        not_worn: frozenset[date],
        deleted_workouts: frozenset[UUID],
    ) -> MemberRecords:
        last_day = now.astimezone(self.member.tzinfo).date()
        days = (last_day - self.since).days + 1
        prefix = self._prefix
        if prefix is None or prefix.not_worn != not_worn or now < prefix.settled_at:
            prefix = self._prefix = _Prefix(not_worn)
        # Settled days join the kept prefix once; only the last day or two are built per call.
        rest = _Prefix(not_worn)
        for index in range(prefix.days, days):
            plan = self.plan(self.since + timedelta(days=index))
            if plan.night.detected_at > now:
                break
            worn = plan.night_worn and plan.day not in not_worn
            day = self._day_records(plan, now, worn=worn)
            settled_at = self._settled_at(plan)
            if rest.days == 0 and now >= settled_at:
                prefix.add(day)
                prefix.days = index + 1
                prefix.settled_at = max(prefix.settled_at, settled_at)
            else:
                rest.add(day)
                rest.days += 1
        cycles = prefix.cycles + rest.cycles
        sleeps = prefix.sleeps + rest.sleeps
        workouts = [
            workout
            for workout in prefix.workouts + rest.workouts
            if workout.id not in deleted_workouts
        ]
        return MemberRecords(
            cycles=tuple(reversed(cycles)),
            sleeps=tuple(sorted(sleeps, key=lambda sleep: sleep.start, reverse=True)),
            recoveries=tuple(reversed(prefix.recoveries + rest.recoveries)),
            workouts=tuple(
                sorted(workouts, key=lambda workout: workout.start, reverse=True)
            ),
        )

    def _settled_at(self, plan: DayPlan) -> datetime:
        """Return when ``plan``'s day stops changing: its cycle ended, everything scored."""
        cached = self._memory.settled_at.get(plan.day)
        if cached is None:
            following = self.plan(plan.day + timedelta(days=1))
            cached = self._memory.settled_at[plan.day] = max(
                following.night.detected_at,
                plan.night.scored_at,
                *(nap.scored_at for nap in plan.naps),
                *(workout.scored_at for workout in plan.workouts),
            )
        return cached

    def _day_records(self, plan: DayPlan, now: datetime, *, worn: bool) -> _DayRecords:
        """Return what ``plan``'s day shows at ``now``, from memory once the day is settled."""
        following = self.plan(plan.day + timedelta(days=1))
        settled_at = self._settled_at(plan)
        key = (plan.day, worn)
        if now >= settled_at and key in self._memory.settled:
            return self._memory.settled[key]
        member = self.member
        offset = member.timezone_offset
        ended = following.night.detected_at <= now
        day = _DayRecords(
            cycle=Cycle(
                id=plan.cycle_id,
                user_id=member.user_id,
                created_at=plan.night.detected_at,
                updated_at=following.night.detected_at if ended else now,
                start=plan.night.start,
                end=following.night.start if ended else None,
                timezone_offset=offset,
                score_state=ScoreState.SCORED,
                score=self.cycle_score(
                    plan,
                    following.night.start,
                    following.night.start if ended else now,
                ),
            ),
            sleeps=tuple(
                _sleep(sleep_plan, plan.cycle_id, member.user_id, offset, now)
                for sleep_plan in ((plan.night, *plan.naps) if worn else plan.naps)
                if sleep_plan.detected_at <= now
            ),
            recovery=_recovery(plan, member.user_id)
            if worn and plan.night.scored_at <= now
            else None,
            workouts=tuple(
                _workout(workout_plan, member.user_id, offset, now)
                for workout_plan in plan.workouts
                if workout_plan.detected_at <= now
            ),
        )
        if now >= settled_at:
            self._memory.settled[key] = day
        return day


def _sleep(
    plan: SleepPlan, cycle_id: int, user_id: int, offset: str, now: datetime
) -> Sleep:
    if now < plan.scored_at:
        state, score, updated_at = ScoreState.PENDING_SCORE, None, plan.detected_at
    elif plan.unscorable:
        state, score, updated_at = ScoreState.UNSCORABLE, None, plan.scored_at
    else:
        state, score, updated_at = ScoreState.SCORED, plan.score, plan.scored_at
    return Sleep(
        id=plan.id,
        cycle_id=cycle_id,
        user_id=user_id,
        created_at=plan.detected_at,
        updated_at=updated_at,
        start=plan.start,
        end=plan.end,
        timezone_offset=offset,
        nap=plan.nap,
        score_state=state,
        score=score,
    )


def _recovery(plan: DayPlan, user_id: int) -> Recovery:
    # Created the moment its sleep is scored; an unscorable sleep gives an unscorable recovery.
    unscorable = plan.night.unscorable
    return Recovery(
        cycle_id=plan.cycle_id,
        sleep_id=plan.night.id,
        user_id=user_id,
        created_at=plan.night.scored_at,
        updated_at=plan.night.scored_at,
        score_state=ScoreState.UNSCORABLE if unscorable else ScoreState.SCORED,
        score=None if unscorable else plan.recovery,
    )


def _workout(plan: WorkoutPlan, user_id: int, offset: str, now: datetime) -> Workout:
    if now < plan.scored_at:
        state, score, updated_at = ScoreState.PENDING_SCORE, None, plan.detected_at
    elif plan.unscorable:
        state, score, updated_at = ScoreState.UNSCORABLE, None, plan.scored_at
    else:
        state, score, updated_at = ScoreState.SCORED, plan.score, plan.scored_at
    return Workout(
        id=plan.id,
        user_id=user_id,
        created_at=plan.detected_at,
        updated_at=updated_at,
        start=plan.start,
        end=plan.end,
        timezone_offset=offset,
        sport_name=plan.sport_name,
        score_state=state,
        score=score,
    )


def _plan_sleep(
    rng: random.Random,
    *,
    start: datetime,
    end: datetime,
    need: SleepNeeded,
    nap: bool,
    unscorable: bool,
) -> SleepPlan:
    in_bed = _milli(end - start)
    awake = round(in_bed * rng.uniform(0.05, 0.12))
    no_data = 0 if rng.random() < 0.85 else rng.randrange(1, 15) * _MILLI_PER_MINUTE
    asleep = in_bed - awake - no_data
    rem = round(asleep * rng.uniform(0.20, 0.27))
    slow_wave = round(asleep * rng.uniform(0.16, 0.23))
    stages = StageSummary(
        total_in_bed_time_milli=in_bed,
        total_awake_time_milli=awake,
        total_no_data_time_milli=no_data,
        total_light_sleep_time_milli=asleep - rem - slow_wave,
        total_slow_wave_sleep_time_milli=slow_wave,
        total_rem_sleep_time_milli=rem,
        sleep_cycle_count=max(
            1, round(asleep / (1.5 * _MILLI_PER_HOUR)) + rng.randint(-1, 1)
        ),
        disturbance_count=rng.randint(0, 3) if nap else rng.randint(4, 18),
    )
    total_need = (
        need.baseline_milli
        + need.need_from_sleep_debt_milli
        + need.need_from_recent_strain_milli
        + need.need_from_recent_nap_milli
    )
    score = SleepScore(
        stage_summary=stages,
        sleep_needed=need,
        respiratory_rate=round(rng.uniform(14.0, 17.0), 5),
        sleep_performance_percentage=min(100, round(asleep / total_need * 100)),
        sleep_consistency_percentage=rng.randint(60, 95),
        sleep_efficiency_percentage=round(asleep / in_bed * 100, 5),
    )
    detected_at = end + _jitter(rng, 1, 4)
    return SleepPlan(
        id=_uuid(rng),
        start=start,
        end=end,
        detected_at=detected_at,
        scored_at=detected_at + _jitter(rng, 3, 10),
        nap=nap,
        unscorable=unscorable,
        score=score,
    )


def _zone_durations(
    rng: random.Random, duration_milli: int, intensity: float
) -> ZoneDurations:
    # Harder workouts spend more time in the high zones; the six parts add up to the duration.
    profile = (0.3, 1.0, 1.5, 1.0 + intensity, 2.0 * intensity, intensity**2)
    weights = [weight * rng.uniform(0.5, 1.5) for weight in profile]
    total = sum(weights)
    parts = [round(duration_milli * weight / total) for weight in weights[:-1]]
    parts.append(duration_milli - sum(parts))
    return ZoneDurations(*parts)


def _asleep_milli(score: SleepScore) -> int:
    stages = score.stage_summary
    return (
        stages.total_light_sleep_time_milli
        + stages.total_slow_wave_sleep_time_milli
        + stages.total_rem_sleep_time_milli
    )


def _jitter(rng: random.Random, low_minutes: int, high_minutes: int) -> timedelta:
    """Return a random duration between the bounds in whole milliseconds, like WHOOP's timestamps."""
    return timedelta(
        milliseconds=rng.randrange(
            low_minutes * _MILLI_PER_MINUTE, high_minutes * _MILLI_PER_MINUTE
        )
    )


def _awake(
    start: datetime, end: datetime, naps: list[tuple[datetime, datetime]]
) -> timedelta:
    """Return the time from ``start`` to ``end`` not spent napping."""
    if end <= start:
        return timedelta()
    napping = sum(
        (
            max(timedelta(), min(end, nap_end) - max(start, nap_start))
            for nap_start, nap_end in naps
        ),
        timedelta(),
    )
    return end - start - napping


def _milli(duration: timedelta) -> int:
    return round(duration / timedelta(milliseconds=1))


def _uuid(rng: random.Random) -> UUID:
    return UUID(int=rng.getrandbits(128), version=4)
