"""The benchmark's figures as a compact text table, with the targets of issue 4."""

from collections import Counter
from dataclasses import dataclass
from datetime import datetime, timedelta

from sandbox.whoop import Member

from .freshness import StrainAge, VisibilityTracker
from .request_ledger import TOKEN_ROUTE
from .scored_records import RecordKind

MAX_REQUESTS_PER_MEMBER_PER_DAY = 600
MAX_MORNING_DELAY = timedelta(minutes=5)
MAX_STRAIN_AGE = timedelta(minutes=15)
APP_LIMIT_PER_DAY = 10_000
APP_LIMIT_PER_MINUTE = 100
KIND_LABELS = {
    RecordKind.RECOVERY: "Recovery",
    RecordKind.SLEEP: "Sleep (last night)",
    RecordKind.NAP: "Nap (event only)",
    RecordKind.WORKOUT: "Workout",
}
FRESHNESS_LABEL_WIDTH = 24
KIND_TARGETS = {
    RecordKind.RECOVERY: MAX_MORNING_DELAY,
    RecordKind.SLEEP: MAX_MORNING_DELAY,
}


@dataclass(frozen=True, slots=True)
class BenchResult:
    """Everything measured over the measured window."""

    mode: str
    """``polling`` or ``webhooks``."""
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
        target = KIND_TARGETS.get(kind)
        suffix = f"  ≤ {format_duration(target)}" if target else ""
        lines.append(_row(label, cells, width, 8) + suffix)
    lines.append(_strain_row("Strain age, every min", result, rising=False))
    lines.append(_strain_row("Strain age, rising", result, rising=True))
    lines.append(
        "n: records scored in the window (+k!: k never shown). Strain: n minute samples "
        "(rising: the sandbox's strain rose within the minute); worst also just before polls"
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
    return (
        _row(label, cells, FRESHNESS_LABEL_WIDTH, 8)
        + f"  ≤ {format_duration(MAX_STRAIN_AGE)}"
    )


def _verdicts(result: BenchResult) -> list[str]:
    worst_requests = max(result.worst_day(member.user_id) for member in result.members)
    morning = [
        delay
        for member in result.members
        for kind in (RecordKind.RECOVERY, RecordKind.SLEEP)
        for delay in result.visibility.delays(member.user_id, kind)
    ]
    unseen = sum(
        result.visibility.never_shown(member.user_id, kind)
        for member in result.members
        for kind in (RecordKind.RECOVERY, RecordKind.SLEEP)
    )
    worst_morning = max(morning, default=None)
    worst_strain = max(
        (strain.worst for strain in result.strain.values() if strain.worst is not None),
        default=None,
    )
    return [
        _verdict(
            f"≤ {MAX_REQUESTS_PER_MEMBER_PER_DAY} requests per member per day",
            worst_requests <= MAX_REQUESTS_PER_MEMBER_PER_DAY,
            f"worst member-day {worst_requests:,}",
        ),
        _verdict(
            f"recovery and sleep shown ≤ {format_duration(MAX_MORNING_DELAY)} after scoring",
            worst_morning is not None
            and worst_morning <= MAX_MORNING_DELAY
            and not unseen,
            f"worst {format_duration(worst_morning)}"
            + (f", {unseen} never shown" if unseen else ""),
        ),
        _verdict(
            f"day strain ≤ {format_duration(MAX_STRAIN_AGE)} old",
            worst_strain is not None and worst_strain <= MAX_STRAIN_AGE,
            f"worst {format_duration(worst_strain)}",
        ),
    ]


def _verdict(target: str, met: bool, detail: str) -> str:  # noqa: FBT001 - a plain predicate
    return f"{'met   ' if met else 'MISSED'}  {target} ({detail})"
