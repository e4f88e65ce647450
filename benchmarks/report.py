"""The benchmark's figures as compact text tables, with the targets of issue 13 per mode."""

from collections import Counter
from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime, timedelta

from benchmarks.freshness import StrainAge, StrainLag, VisibilityTracker
from benchmarks.request_ledger import TOKEN_ROUTE
from benchmarks.scored_records import RecordKind
from sandbox.whoop import Member

POLLING = "polling"
WEBHOOKS = "webhooks"
REFERENCE = "reference"
APP_LIMIT_PER_DAY = 10_000
APP_LIMIT_PER_MINUTE = 100
KIND_LABELS = {
    RecordKind.RECOVERY: "Recovery",
    RecordKind.SLEEP: "Sleep (last night)",
    RecordKind.NAP: "Nap (event only)",
    RecordKind.WORKOUT: "Workout",
}
FRESHNESS_LABEL_WIDTH = 24


@dataclass(frozen=True, slots=True)
class Targets:
    """What issue 13 asks of a mode: requests per member and day, delays after scoring."""

    requests_per_member_day: int
    kinds: dict[RecordKind, timedelta]
    strain_active: timedelta | None


TARGETS = {
    POLLING: Targets(
        requests_per_member_day=435,
        kinds={
            RecordKind.RECOVERY: timedelta(minutes=2),
            RecordKind.SLEEP: timedelta(minutes=2),
            RecordKind.WORKOUT: timedelta(minutes=2),
            RecordKind.NAP: timedelta(minutes=15),
        },
        strain_active=timedelta(minutes=3),
    ),
    WEBHOOKS: Targets(
        requests_per_member_day=150,
        kinds=dict.fromkeys(KIND_LABELS, timedelta(seconds=5)),
        strain_active=None,
    ),
}


@dataclass(frozen=True, slots=True)
class BenchResult:
    """Everything measured over the measured window."""

    mode: str
    """``polling``, ``webhooks`` or ``reference``."""
    members: tuple[Member, ...]
    window_start: datetime
    window_end: datetime
    daily_requests: tuple[dict[int | None, Counter[str]], ...]
    """Per measured day: requests per member (None: not attributable) and route."""
    failures: Counter[tuple[str, int]]
    busiest_minute: int
    webhook_answers: Counter[int | None]
    """Webhooks posted to Home Assistant in the window, by HTTP status (None: unreachable)."""
    visibility: VisibilityTracker
    strain: dict[int, StrainAge]
    strain_lag: dict[int, StrainLag]
    unscorable: dict[int, Counter[RecordKind]]
    steps: int
    wall_seconds: float

    @property
    def days(self) -> int:
        """How many days were measured."""
        return len(self.daily_requests)

    @property
    def requests(self) -> dict[int | None, Counter[str]]:
        """Requests of the whole window per member and route."""
        merged: dict[int | None, Counter[str]] = {}
        for day in self.daily_requests:
            for user_id, counts in day.items():
                merged.setdefault(user_id, Counter()).update(counts)
        return merged

    def per_day(self, user_id: int | None, route: str | None = None) -> float:
        """Requests per day (average) of one member (None: unattributed), one route or all."""
        counts = self.requests.get(user_id, Counter())
        total = counts[route] if route is not None else counts.total()
        return total / self.days

    def worst_day(self, user_id: int | None) -> int:
        """The most requests one member made in one measured day."""
        return max(day.get(user_id, Counter()).total() for day in self.daily_requests)

    def data_requests_per_day(self, user_id: int | None) -> float:
        """Requests per day to the rate-limited data API (token refreshes left out)."""
        return self.per_day(user_id) - self.per_day(user_id, TOKEN_ROUTE)


def render(result: BenchResult) -> str:
    """Return the whole report."""
    return "\n".join(
        [
            _heading(result),
            "",
            *_request_table(result),
            "",
            *_freshness_table(result),
            "",
            *_verdicts(result),
        ]
    )


def format_duration(duration: timedelta | None) -> str:
    """Format as ``m:ss`` (``h:mm:ss`` from an hour), or ``-`` for no value."""
    if duration is None:
        return "-"
    seconds = round(duration.total_seconds())
    hours, rest = divmod(seconds, 3600)
    minutes, seconds = divmod(rest, 60)
    if hours:
        return f"{hours}:{minutes:02}:{seconds:02}"
    return f"{minutes}:{seconds:02}"


def _median(durations: list[timedelta]) -> timedelta:
    ordered = sorted(durations)
    middle = len(ordered) // 2
    if len(ordered) % 2:
        return ordered[middle]
    return (ordered[middle - 1] + ordered[middle]) / 2


def _number(value: float) -> str:
    return f"{value:,.0f}" if value == round(value) else f"{value:,.1f}"


def _row(label: str, cells: list[str], label_width: int, cell_width: int) -> str:
    return label.ljust(label_width) + "".join(cell.rjust(cell_width) for cell in cells)


def _heading(result: BenchResult) -> str:
    start = result.window_start.strftime("%Y-%m-%d %H:%MZ")
    end = result.window_end.strftime("%Y-%m-%d %H:%MZ")
    return (
        f"WHOOP benchmark, {result.mode}: {len(result.members)} members on one app, "
        f"measured {start} → {end} "
        f"({result.days} day(s) after a warm-up day, figures per day); "
        f"{result.steps:,} time steps in {result.wall_seconds:.0f} s"
    )


def _request_table(result: BenchResult) -> list[str]:
    routes = sorted(
        {route for counts in result.requests.values() for route in counts}
        - {TOKEN_ROUTE}
    )
    width = max(len(route) for route in [*routes, "Data API (rate-limited)"]) + 2
    ids: list[int | None] = [member.user_id for member in result.members]
    names = [member.first_name for member in result.members]
    if None in result.requests:
        ids.append(None)
        names.append("Unknown")

    def row(label: str, per_member: list[float]) -> str:
        values = [*per_member, sum(per_member)]
        return _row(label, [_number(value) for value in values], width, 11)

    lines = [_row("Requests per day", [*names, "Household"], width, 11)]
    lines.extend(
        row(route, [result.per_day(uid, route) for uid in ids]) for route in routes
    )
    lines += [
        row(
            "Data API (rate-limited)",
            [result.data_requests_per_day(uid) for uid in ids],
        ),
        row("Token refreshes", [result.per_day(uid, TOKEN_ROUTE) for uid in ids]),
        row("All requests", [result.per_day(uid) for uid in ids]),
    ]
    household = sum(result.data_requests_per_day(uid) for uid in ids)
    lines.append(
        f"App budget: {_number(household)} of {APP_LIMIT_PER_DAY:,} data requests a day "
        f"({household / APP_LIMIT_PER_DAY:.1%}); busiest minute {result.busiest_minute} "
        f"of {APP_LIMIT_PER_MINUTE}"
    )
    if result.webhook_answers:
        answers = ", ".join(
            f"{count} → {status or 'unreachable'}"
            for status, count in sorted(
                result.webhook_answers.items(), key=lambda item: str(item[0])
            )
        )
        lines.append(f"Webhooks posted to Home Assistant in the window: {answers}")
    if result.failures:
        failed = ", ".join(
            f"{route} → {status}: {count}"
            for (route, status), count in sorted(result.failures.items())
        )
        lines.append(f"Answers other than 2xx: {failed}")
    return lines


def _freshness_table(result: BenchResult) -> list[str]:
    width = FRESHNESS_LABEL_WIDTH
    header = ["n", "median", "worst"] * len(result.members)
    names = "".join(f"{member.first_name:>24}" for member in result.members)
    lines = [
        "Freshness (scored → shown)".ljust(width) + names + "  target",
        _row("", header, width, 8),
    ]
    for kind, label in KIND_LABELS.items():
        cells: list[str] = []
        for member in result.members:
            delays = result.visibility.delays(member.user_id, kind)
            missing = result.visibility.never_shown(member.user_id, kind)
            count = f"{len(delays)}" + (f"+{missing}!" if missing else "")
            cells += [
                count,
                format_duration(_median(delays) if delays else None),
                format_duration(max(delays, default=None)),
            ]
        targets = TARGETS.get(result.mode)
        target = targets.kinds.get(kind) if targets else None
        suffix = f"  ≤ {format_duration(target)}" if target else ""
        lines.append(_row(label, cells, width, 8) + suffix)
    lines.append(_strain_row("Strain age, every min", result, rising=False))
    lines.append(_lag_row("Strain +0.1 shown, active", result, rest=False))
    lines.append(_lag_row("Strain +0.1 shown, rest", result, rest=True))
    lines.append(_lag_row("New day's strain shown", result, new_day=True))
    lines.append(
        "n: records scored in the window (+k!: k never shown). Strain age: n minute samples, "
        "worst also just before polls. Strain +0.1: n changes of 0.1 or more, time until shown; "
        "rest: asleep or napping, active: otherwise (workouts included); new day: yesterday's "
        "strain replaced by today's once the new cycle is seen"
    )
    unscorable = ", ".join(
        f"{member.first_name} {kind} x{count}"
        for member in result.members
        for kind, count in sorted(result.unscorable[member.user_id].items())
    )
    if unscorable:
        lines.append(f"Unscorable in the window (no score to show): {unscorable}")
    no_strain = ", ".join(
        f"{member.first_name} {result.strain[member.user_id].unavailable_samples}"
        for member in result.members
        if result.strain[member.user_id].unavailable_samples
    )
    if no_strain:
        lines.append(f"Minute samples without a strain shown: {no_strain}")
    return lines


def _strain_row(label: str, result: BenchResult, *, rising: bool) -> str:
    cells: list[str] = []
    for member in result.members:
        strain = result.strain[member.user_id]
        ages = strain.rising_ages if rising else strain.minute_ages
        cells += [
            f"{len(ages)}",
            format_duration(_median(ages) if ages else None),
            format_duration(strain.worst),
        ]
    return _row(label, cells, FRESHNESS_LABEL_WIDTH, 8)


def _lag_row(
    label: str, result: BenchResult, *, rest: bool = False, new_day: bool = False
) -> str:
    cells: list[str] = []
    for member in result.members:
        lag = result.strain_lag[member.user_id]
        lags = lag.new_day if new_day else lag.rest if rest else lag.active
        cells += [
            f"{len(lags)}",
            format_duration(_median(lags) if lags else None),
            format_duration(max(lags, default=None)),
        ]
    targets = TARGETS.get(result.mode)
    target = (
        targets.strain_active
        if targets is not None and not rest and not new_day
        else None
    )
    suffix = f"  ≤ {format_duration(target)}" if target else ""
    return _row(label, cells, FRESHNESS_LABEL_WIDTH, 8) + suffix


def worst_delay(result: BenchResult, kind: RecordKind) -> timedelta | None:
    """Return the worst delay of ``kind`` over the household."""
    return max(
        (
            delay
            for member in result.members
            for delay in result.visibility.delays(member.user_id, kind)
        ),
        default=None,
    )


def median_delay(result: BenchResult, kind: RecordKind) -> timedelta | None:
    """Return the median delay of ``kind`` over the household."""
    delays = [
        delay
        for member in result.members
        for delay in result.visibility.delays(member.user_id, kind)
    ]
    return _median(delays) if delays else None


def strain_lags(result: BenchResult, *, rest: bool) -> list[timedelta]:
    """Return the household's strain-change lags, active or at rest."""
    return [
        lag
        for member in result.members
        for lag in (
            result.strain_lag[member.user_id].rest
            if rest
            else result.strain_lag[member.user_id].active
        )
    ]


def worst_member_day(result: BenchResult) -> int:
    """The most requests (token refreshes included) one member made in one measured day."""
    return max(result.worst_day(member.user_id) for member in result.members)


def _verdicts(result: BenchResult) -> list[str]:
    targets = TARGETS.get(result.mode)
    if targets is None:
        return [
            "(the reference client has no targets: it is what the others are measured against)"
        ]
    worst_requests = worst_member_day(result)
    lines = [
        _verdict(
            f"≤ {targets.requests_per_member_day} requests per member and day (all, tokens too)",
            worst_requests <= targets.requests_per_member_day,
            f"worst member-day {worst_requests:,}",
        )
    ]
    for kind, target in targets.kinds.items():
        worst = worst_delay(result, kind)
        unseen = sum(
            result.visibility.never_shown(member.user_id, kind)
            for member in result.members
        )
        lines.append(
            _verdict(
                f"{KIND_LABELS[kind].lower()} shown ≤ {format_duration(target)} after scoring",
                (worst is None or worst <= target) and not unseen,
                f"worst {format_duration(worst)}"
                + (f", {unseen} never shown" if unseen else ""),
            )
        )
    if targets.strain_active is not None:
        active = strain_lags(result, rest=False)
        rest = strain_lags(result, rest=True)
        worst = max(active, default=None)
        lines.append(
            _verdict(
                f"strain changes shown ≤ {format_duration(targets.strain_active)} while active",
                worst is not None and worst <= targets.strain_active,
                f"worst {format_duration(worst)}; at rest worst "
                f"{format_duration(max(rest, default=None))} over {len(rest)} change(s)",
            )
        )
    return lines


def _verdict(target: str, met: bool, detail: str) -> str:  # noqa: FBT001 - a plain predicate
    return f"{'met   ' if met else 'MISSED'}  {target} ({detail})"


type Figure = Callable[[BenchResult], float | None]
type Format = Callable[[float | None], str]


def _seconds(duration: timedelta | None) -> float | None:
    return duration.total_seconds() if duration is not None else None


def _as_duration(value: float | None) -> str:
    return format_duration(timedelta(seconds=value) if value is not None else None)


def _as_number(value: float | None) -> str:
    return _number(value) if value is not None else "-"


def _average_member_day(result: BenchResult) -> float:
    return sum(result.per_day(m.user_id) for m in result.members) / len(result.members)


def _token_refreshes(result: BenchResult) -> float:
    return sum(result.per_day(m.user_id, TOKEN_ROUTE) for m in result.members) / len(
        result.members
    )


def _median_lag(result: BenchResult, *, rest: bool) -> float | None:
    lags = strain_lags(result, rest=rest)
    return _seconds(_median(lags) if lags else None)


def _worst_lag(result: BenchResult, *, rest: bool) -> float | None:
    return _seconds(max(strain_lags(result, rest=rest), default=None))


def _comparison_figures() -> list[tuple[str, Figure, Format]]:
    figures: list[tuple[str, Figure, Format]] = [
        ("Requests, average member-day", _average_member_day, _as_number),
        (
            "Requests, worst member-day",
            lambda r: float(worst_member_day(r)),
            _as_number,
        ),
        ("Token refreshes", _token_refreshes, _as_number),
    ]
    for kind, label in KIND_LABELS.items():
        figures += [
            (
                f"{label}, median",
                lambda r, k=kind: _seconds(median_delay(r, k)),
                _as_duration,
            ),
            (
                f"{label}, worst",
                lambda r, k=kind: _seconds(worst_delay(r, k)),
                _as_duration,
            ),
        ]
    for rest, label in ((False, "active"), (True, "at rest")):
        figures += [
            (
                f"Strain +0.1 {label}, median",
                lambda r, rest=rest: _median_lag(r, rest=rest),
                _as_duration,
            ),
            (
                f"Strain +0.1 {label}, worst",
                lambda r, rest=rest: _worst_lag(r, rest=rest),
                _as_duration,
            ),
        ]
    figures.append(
        (
            "New day's strain, worst",
            lambda r: _seconds(
                max(
                    (lag for m in r.members for lag in r.strain_lag[m.user_id].new_day),
                    default=None,
                )
            ),
            _as_duration,
        )
    )
    return figures


def render_comparison(results: list[BenchResult]) -> str:
    """Return the modes side by side, with each one's ratio to the reference client."""
    by_mode = {result.mode: result for result in results}
    reference = by_mode.get(REFERENCE)
    modes = [mode for mode in (REFERENCE, POLLING, WEBHOOKS) if mode in by_mode]
    header = [
        cell
        for mode in modes
        for cell in (
            (mode,) if mode == REFERENCE or reference is None else (mode, "vs ref")
        )
    ]
    days = "/".join(str(day) for day in sorted({result.days for result in results}))
    width = 30
    lines = [
        (
            f"Side by side: the same simulated days ({days} measured), per member and day; "
            "delays median and worst over the household"
        ),
        _row("", header, width, 13),
    ]
    for label, figure, fmt in _comparison_figures():
        base = figure(reference) if reference is not None else None
        cells: list[str] = []
        for mode in modes:
            mine = figure(by_mode[mode])
            cells.append(fmt(mine))
            if reference is not None and mode != REFERENCE:
                cells.append(f"{mine / base:.2f}" if mine is not None and base else "-")
        lines.append(_row(label, cells, width, 13))
    lines.append(
        "vs ref: the figure divided by the reference client's (below 1: fewer, sooner)"
    )
    for mode in modes:
        if mode != REFERENCE:
            lines.extend(
                f"{mode:>9}: {verdict}" for verdict in _verdicts(by_mode[mode])
            )
    return "\n".join(lines)
