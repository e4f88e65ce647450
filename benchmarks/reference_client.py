"""The reference client: polls every data endpoint every 2 minutes, and nothing else.

It stands for the simplest client one could write: Home Assistant's OAuth session (which refreshes
tokens as they expire) and a timer. Each poll asks for the cycles, recoveries, sleeps, workouts
and body measurements of every member (the families the integration shows; the profile, which
never changes, is left out). A record counts as shown the moment an answer holds it scored:
the reference shows whatever it has, at once.
"""

from collections.abc import Callable
from datetime import datetime, timedelta
from http import HTTPStatus
from typing import Any

from homeassistant.config_entries import ConfigEntry
from homeassistant.core import HomeAssistant
from homeassistant.helpers.config_entry_oauth2_flow import (
    OAuth2Session,
    async_get_config_entry_implementation,
)
from homeassistant.helpers.event import async_track_time_interval

from benchmarks.scored_records import RecordKind, ScoredRecord

POLL_EVERY = timedelta(minutes=2)
CYCLES = "/developer/v2/cycle"
RECOVERIES = "/developer/v2/recovery"
SLEEPS = "/developer/v2/activity/sleep"
WORKOUTS = "/developer/v2/activity/workout"
BODY = "/developer/v2/user/measurement/body"
ENDPOINTS = (CYCLES, RECOVERIES, SLEEPS, WORKOUTS, BODY)


class ReferenceMember:
    """One member's session and what the reference has seen of them."""

    def __init__(self, session: OAuth2Session, base_url: str) -> None:
        """Poll through ``session`` at ``base_url``."""
        self._session = session
        self._base_url = base_url
        self.strain: float | None = None
        self.seen_scored: set[tuple[RecordKind, str]] = set()

    async def async_poll(self) -> None:
        """Ask every endpoint once; keep the current strain and every scored record seen."""
        for path in ENDPOINTS:
            answer = await self._session.async_request("GET", self._base_url + path)
            body: Any = await answer.json() if answer.status == HTTPStatus.OK else None
            answer.release()
            if isinstance(body, dict):
                self._take(path, body)

    def _take(self, path: str, body: dict[str, Any]) -> None:
        records = [r for r in body.get("records", ()) if isinstance(r, dict)]
        if path == CYCLES and records:
            score = records[0].get("score")
            self.strain = score.get("strain") if isinstance(score, dict) else None
        for record in records:
            if record.get("score_state") != "SCORED":
                continue
            if path == RECOVERIES:
                self.seen_scored.add((RecordKind.RECOVERY, str(record.get("cycle_id"))))
            elif path == SLEEPS:
                kind = RecordKind.NAP if record.get("nap") else RecordKind.SLEEP
                self.seen_scored.add((kind, str(record.get("id"))))
            elif path == WORKOUTS:
                self.seen_scored.add((RecordKind.WORKOUT, str(record.get("id"))))


class ReferenceClient:
    """The reference for a household: one session per member entry, one timer for all."""

    def __init__(self, members: dict[int, ReferenceMember]) -> None:
        """Hold ``members`` by user id."""
        self.members = members

    @classmethod
    async def async_start(
        cls, hass: HomeAssistant, entries: dict[int, ConfigEntry], base_url: str
    ) -> tuple[ReferenceClient, Callable[[], None]]:
        """Poll once now and then every 2 minutes; return the client and its stop callback."""
        members: dict[int, ReferenceMember] = {}
        for user_id, entry in entries.items():
            implementation = await async_get_config_entry_implementation(hass, entry)
            members[user_id] = ReferenceMember(
                OAuth2Session(hass, entry, implementation), base_url
            )
        client = cls(members)

        async def poll(_now: datetime | None = None) -> None:
            for member in members.values():
                await member.async_poll()

        await poll()
        return client, async_track_time_interval(
            hass, poll, POLL_EVERY, name="reference client"
        )

    def shows(self, record: ScoredRecord) -> bool:
        """Tell whether the reference has seen ``record`` scored."""
        member = self.members.get(record.user_id)
        return (
            member is not None and (record.kind, record.record_id) in member.seen_scored
        )

    def strain(self, user_id: int) -> float | None:
        """Return the day strain the reference holds for the member."""
        member = self.members.get(user_id)
        return member.strain if member is not None else None
