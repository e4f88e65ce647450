"""Single WHOOP records by id, the profile, body measurements, and revoking access."""

from urllib.parse import quote

from ._transport import WhoopTransport
from .const import (
    BODY_MEASUREMENT_PATH,
    CYCLE_PATH,
    CYCLE_RECOVERY_PATH,
    CYCLE_SLEEP_PATH,
    PROFILE_PATH,
    SLEEP_PATH,
    USER_ACCESS_PATH,
    WORKOUT_PATH,
)
from .exceptions import WhoopNotFoundError
from .models import BodyMeasurement, Cycle, Profile, Recovery, Sleep, Workout


class RecordRequests:
    """Requests about one record or the member; 1 request each."""

    _transport: WhoopTransport

    # WhoopNotFoundError when there is no such record.

    async def get_profile(self) -> Profile:
        """Return the member's basic profile (scope ``read:profile``)."""
        return Profile.from_api(await self._transport.get(PROFILE_PATH))

    async def get_body_measurement(self) -> BodyMeasurement:
        """Return the member's body measurements (``read:body_measurement``)."""
        return BodyMeasurement.from_api(
            await self._transport.get(BODY_MEASUREMENT_PATH)
        )

    async def get_cycle(self, cycle_id: int) -> Cycle:
        """Return one cycle (``read:cycles``)."""
        return Cycle.from_api(await self._transport.get(_path(CYCLE_PATH, cycle_id)))

    async def get_cycle_recovery(self, cycle_id: int) -> Recovery | None:
        """Return the recovery of a cycle, or ``None`` if it has none.

        WHOOP answers 404 when the cycle has no recovery (no sleep recorded before it).
        """
        try:
            data = await self._transport.get(_path(CYCLE_RECOVERY_PATH, cycle_id))
        except WhoopNotFoundError:
            return None
        return Recovery.from_api(data)

    async def get_cycle_sleep(self, cycle_id: int) -> Sleep:
        """Return the sleep that started a cycle (``read:sleep``)."""
        return Sleep.from_api(
            await self._transport.get(_path(CYCLE_SLEEP_PATH, cycle_id))
        )

    async def get_sleep(self, sleep_id: str) -> Sleep:
        """Return one sleep or nap by its UUID (``read:sleep``)."""
        return Sleep.from_api(await self._transport.get(_path(SLEEP_PATH, sleep_id)))

    async def get_workout(self, workout_id: str) -> Workout:
        """Return one workout by its UUID (``read:workout``)."""
        return Workout.from_api(
            await self._transport.get(_path(WORKOUT_PATH, workout_id))
        )

    async def revoke_access(self) -> None:
        """Revoke the app's access to the member's data (and their webhooks)."""
        await self._transport.request("DELETE", USER_ACCESS_PATH)


def _path(template: str, record_id: int | str) -> str:
    """Fill a path template's ``{id}``, escaping what a path segment may not hold."""
    return template.format(id=quote(str(record_id), safe=""))
