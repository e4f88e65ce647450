"""The WHOOP members the sandbox knows, with the traits their generated data depends on."""

from dataclasses import dataclass, replace
from datetime import timedelta, timezone


@dataclass(frozen=True, slots=True)
class Member:
    """One WHOOP member: profile, body measurements and physiological baselines."""

    user_id: int
    email: str
    first_name: str
    last_name: str
    height_meter: float
    weight_kilogram: float
    max_heart_rate: int
    timezone_offset: str
    """WHOOP's time zone designator, e.g. ``"-05:00"``."""
    has_spo2_and_skin_temp: bool
    """True for WHOOP 4.0 and later straps, which measure SpO2 and skin temperature."""
    resting_heart_rate: float
    hrv_rmssd_milli: float
    sleep_baseline_hours: float
    history_days: int | None = None
    """Days of history before the sandbox's start; None: the sandbox's default (about two years)."""
    realistic: bool = False
    """Days as unruly as real ones: wake times that wander by an hour or more, workouts at any
    time of day, naps, scoring that lags, nights without the strap (see ``generator``)."""

    @property
    def tzinfo(self) -> timezone:
        """The member's fixed UTC offset as a tzinfo."""
        sign = -1 if self.timezone_offset.startswith("-") else 1
        hours, minutes = self.timezone_offset.lstrip("+-").split(":")
        return timezone(sign * timedelta(hours=int(hours), minutes=int(minutes)))

    def profile_json(self) -> dict[str, object]:
        """Return the body of ``GET /v2/user/profile/basic``."""
        return {
            "user_id": self.user_id,
            "email": self.email,
            "first_name": self.first_name,
            "last_name": self.last_name,
        }

    def body_json(self) -> dict[str, object]:
        """Return the body of ``GET /v2/user/measurement/body``."""
        return {
            "height_meter": self.height_meter,
            "weight_kilogram": self.weight_kilogram,
            "max_heart_rate": self.max_heart_rate,
        }


JOHN = Member(
    user_id=10129,
    email="jsmith123@whoop.com",
    first_name="John",
    last_name="Smith",
    height_meter=1.8288,
    weight_kilogram=90.7185,
    max_heart_rate=200,
    timezone_offset="-05:00",
    has_spo2_and_skin_temp=True,
    resting_heart_rate=58.0,
    hrv_rmssd_milli=62.0,
    sleep_baseline_hours=7.8,
)

JANE = Member(
    user_id=20247,
    email="jdoe456@whoop.com",
    first_name="Jane",
    last_name="Doe",
    height_meter=1.6764,
    weight_kilogram=61.235,
    max_heart_rate=188,
    timezone_offset="+01:00",
    has_spo2_and_skin_temp=False,
    resting_heart_rate=52.0,
    hrv_rmssd_milli=85.0,
    sleep_baseline_hours=8.1,
)

DEFAULT_MEMBERS = (JOHN, JANE)
REALISTIC_MEMBERS = tuple(replace(member, realistic=True) for member in DEFAULT_MEMBERS)
"""John and Jane with realistic days, for the benchmark: same ids, profiles and baselines."""
