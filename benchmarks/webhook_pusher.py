"""Plays WHOOP's webhook sender: the sandbox posts its events the moment a record is final.

WHOOP sends an event when a sleep, recovery or workout is scored (or turns unscorable); the
sandbox's ``deliver_webhooks`` posts whatever changed since its last delivery. Knowing from the
deterministic generator when records become final, the pusher asks for a step at each of those
moments and delivers then, so push latency is only the HTTP round trip.
"""

from bisect import bisect_right
from collections.abc import Iterable
from datetime import datetime

from sandbox.whoop import ScoreState, WhoopSandbox

FINAL_STATES = (ScoreState.SCORED, ScoreState.UNSCORABLE)


class WebhookPusher:
    """Delivers the sandbox's webhooks at every moment a record of the household turns final."""

    def __init__(
        self, whoop: WhoopSandbox, user_ids: Iterable[int], until: datetime
    ) -> None:
        """Plan deliveries up to ``until`` (the sandbox must already have its webhook URL)."""
        self._whoop = whoop
        moments: set[datetime] = set()
        for user_id in user_ids:
            records = whoop.records(user_id, at=until)
            states = [
                *((sleep.score_state, sleep.updated_at) for sleep in records.sleeps),
                *((rec.score_state, rec.updated_at) for rec in records.recoveries),
                *((work.score_state, work.updated_at) for work in records.workouts),
            ]
            moments.update(when for state, when in states if state in FINAL_STATES)
        self._moments = sorted(moments)
        self._delivered_until = whoop.clock.now()

    def next_stop(self, after: datetime) -> datetime | None:
        """Return the next moment a record turns final."""
        index = bisect_right(self._moments, after)
        return self._moments[index] if index < len(self._moments) else None

    async def before_timers(self, now: datetime) -> None:
        """Deliver if a record turned final since the last delivery."""
        turned_final = bisect_right(self._moments, now) - bisect_right(
            self._moments, self._delivered_until
        )
        if turned_final:
            await self._whoop.deliver_webhooks()
        self._delivered_until = now

    def after_timers(self, now: datetime) -> None:
        """Nothing to look at."""
