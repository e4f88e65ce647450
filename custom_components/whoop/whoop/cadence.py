"""Coordinators: one per WHOOP data family, each polling at the pace its data changes.

Request budget (WHOOP allows 10,000 requests a day per developer app, shared by a household):
strain changes all day and is polled every 12 minutes (one request); recovery arrives once a day,
after the member wakes up, so it is polled hourly for 22 hours after the last one (or until a new
cycle shows the night was detected) and every 4 minutes from then until the next arrives; last night's sleep is fetched when a new recovery arrives
(and hourly, for naps); workouts every 30 minutes; body measurements every 6 hours. A new cycle
(WHOOP creates it when it detects the night, i.e. after waking) triggers both morning families at
once. `script/bench` measures the resulting requests per day.
"""

from datetime import datetime, timedelta

from ..whoop_api import Cycle, Recovery, ScoreState, Sleep

STRAIN_INTERVAL = timedelta(minutes=12)
AWAITING_TODAY_INTERVAL = timedelta(minutes=4)
SETTLED_INTERVAL = timedelta(hours=1)
# Today's record arrives about a day after yesterday's; start looking often a little before that,
# in case the member wakes up earlier than yesterday (script/bench: 22 h saves 17 % of requests
# over 18 h at the same delays). A new cycle without its record is awaited too, whatever the hour.
NEXT_MORNING_AFTER = timedelta(hours=22)
# WHOOP creates the cycle when it detects the night and scores it minutes later; a cycle this old
# still without its record means that night will not be scored (strap not worn).
NEW_CYCLE_AWAITED_FOR = timedelta(hours=3)
# No new record this long after the last one: the strap was not worn last night; stop hurrying.
GIVE_UP_AWAITING_AFTER = timedelta(hours=36)
MISSED_INTERVAL = timedelta(minutes=30)
WORKOUT_INTERVAL = timedelta(minutes=30)
BODY_INTERVAL = timedelta(hours=6)
WORKOUT_RECONCILE_INTERVAL = timedelta(hours=2)
# Webhooks count as flowing for a day and a bit after the last one (WHOOP sends at least the
# daily sleep and recovery).
WEBHOOKS_QUIET_AFTER = timedelta(hours=26)


def morning_interval(
    record: Recovery | Sleep | None, current_cycle: Cycle | None, now: datetime
) -> timedelta:
    """Return how soon to look again for a family scored once a day, in the morning."""
    if record is None:
        return MISSED_INTERVAL
    if record.score_state is ScoreState.PENDING_SCORE:
        return AWAITING_TODAY_INTERVAL
    if (
        current_cycle is not None
        and record.cycle_id != current_cycle.id
        and now - current_cycle.created_at < NEW_CYCLE_AWAITED_FOR
    ):
        return AWAITING_TODAY_INTERVAL
    age = now - record.created_at
    if age < NEXT_MORNING_AFTER:
        return SETTLED_INTERVAL
    if age < GIVE_UP_AWAITING_AFTER:
        return AWAITING_TODAY_INTERVAL
    return MISSED_INTERVAL
