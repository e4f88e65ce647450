"""WHOOP webhooks: WHOOP says a record changed, and that family refreshes at once.

WHOOP sends every event of a developer app to the one URL set in its dashboard, so a household
sharing an app shares a URL: events are routed by the member's ``user_id``. Deliveries are signed
with the app's client secret and timestamped (refused outside a 5-minute window), may repeat
(deduplicated on ``trace_id``, across reloads and restarts) and may be missed, which is why
polling goes on, slower, while they flow. Bodies are capped before they are read.
"""

import asyncio
from datetime import datetime, timedelta
from http import HTTPStatus
import logging
from typing import Any, Final

from aiohttp import web
from homeassistant.components import webhook
from homeassistant.config_entries import ConfigEntryState
from homeassistant.core import CALLBACK_TYPE, HassJob, HomeAssistant, callback
from homeassistant.helpers.event import async_call_later
from homeassistant.helpers.network import NoURLAvailableError
from homeassistant.helpers.storage import Store
from homeassistant.util import dt as dt_util
from homeassistant.util.hass_dict import HassKey

from ..const import DOMAIN
from ..entry_kind import is_whoop_account
from ..whoop_api import (
    MAX_WEBHOOK_BODY_BYTES,
    WEBHOOK_SIGNATURE_HEADER,
    WEBHOOK_TIMESTAMP_HEADER,
    WEBHOOK_TIMESTAMP_TOLERANCE,
    WebhookEvent,
    WhoopResponseError,
    WhoopWebhookError,
    verify_webhook_delivery,
)
from .auth.scopes import DataFamily
from .coordinator import WhoopConfigEntry

_LOGGER = logging.getLogger(__name__)

CONF_WEBHOOK_ID = "webhook_id"
# A new recovery pulls last night's sleep itself (see RecoveryCoordinator).
FAMILIES_OF_RESOURCE: dict[str, tuple[DataFamily, ...]] = {
    "recovery": (DataFamily.RECOVERY,),
    "sleep": (DataFamily.SLEEP,),
    "workout": (DataFamily.WORKOUT,),
}
# A delivery older than the tolerance window is refused anyway, so its trace id need not be
# kept longer; the cap bounds memory and the store whatever arrives within the window.
MAX_REMEMBERED_TRACE_IDS: Final = 5_000
TRACE_IDS_STORE_KEY: Final = f"{DOMAIN}.webhook_trace_ids"
TRACE_IDS_STORE_VERSION: Final = 1
TRACE_IDS_SAVE_DELAY: Final = 10
# A body WHOOP sends is about 150 bytes; whoever sends more gets 413 before it is read.
BODY_READ_TIMEOUT: Final = 10.0
# Refused deliveries (forged, replayed, oversize) are logged once, then summarised this often.
REFUSED_SUMMARY_EVERY: Final = timedelta(hours=1)

WEBHOOK_GUARD: HassKey[WhoopWebhookGuard] = HassKey(f"{DOMAIN}_webhook_guard")


class WhoopWebhookGuard:
    """What every WHOOP webhook URL of this Home Assistant shares, across reloads and restarts.

    The trace ids of accepted deliveries (with their signature time, persisted, pruned once
    out of the tolerance window) and the count of refused deliveries since the last warning.
    """

    def __init__(self, hass: HomeAssistant) -> None:
        """Create the guard; ``async_load`` reads the trace ids kept before the restart."""
        self._store: Store[dict[str, Any]] = Store(
            hass, TRACE_IDS_STORE_VERSION, TRACE_IDS_STORE_KEY
        )
        self._trace_ids: dict[str, int] = {}
        self._load_lock = asyncio.Lock()
        self._loaded = False
        self._hass = hass
        self._refused: dict[str, int] = {}
        self._warned_at: datetime | None = None
        self._summary_timer: CALLBACK_TYPE | None = None

    async def async_load(self) -> None:
        """Read the stored trace ids once (later calls return at once)."""
        async with self._load_lock:
            if self._loaded:
                return
            stored = await self._store.async_load()
            kept = stored.get("trace_ids") if isinstance(stored, dict) else None
            if isinstance(kept, dict):
                self._trace_ids = {
                    trace_id: milli
                    for trace_id, milli in list(kept.items())[
                        -MAX_REMEMBERED_TRACE_IDS:
                    ]
                    if isinstance(trace_id, str) and isinstance(milli, int)
                }
            self._loaded = True

    @callback
    def async_first_delivery(self, trace_id: str, timestamp_milli: int) -> bool:
        """Remember ``trace_id``; return False when it was delivered before."""
        self._prune()
        if trace_id in self._trace_ids:
            return False
        self._trace_ids[trace_id] = timestamp_milli
        while len(self._trace_ids) > MAX_REMEMBERED_TRACE_IDS:
            del self._trace_ids[next(iter(self._trace_ids))]
        self._store.async_delay_save(self._data_to_save, TRACE_IDS_SAVE_DELAY)
        return True

    def _prune(self) -> None:
        oldest = _milli(dt_util.utcnow() - WEBHOOK_TIMESTAMP_TOLERANCE)
        if any(milli < oldest for milli in self._trace_ids.values()):
            self._trace_ids = {
                trace_id: milli
                for trace_id, milli in self._trace_ids.items()
                if milli >= oldest
            }

    @callback
    def _data_to_save(self) -> dict[str, Any]:
        self._prune()
        return {"trace_ids": self._trace_ids}

    @callback
    def async_refused(self, reason: str) -> None:
        """Log a refused delivery without letting a flood of them flood the log.

        The first is a warning; the next ones a debug line each, and a warning with their count
        once the summary period since the last warning is over.
        """
        self._refused[reason] = self._refused.get(reason, 0) + 1
        now = dt_util.utcnow()
        if self._warned_at is None or now - self._warned_at >= REFUSED_SUMMARY_EVERY:
            self._warn(now)
            return
        _LOGGER.debug("Ignored a WHOOP webhook (%s)", reason)
        if self._summary_timer is None:
            self._summary_timer = async_call_later(
                self._hass,
                self._warned_at + REFUSED_SUMMARY_EVERY - now,
                HassJob(self._summarise, cancel_on_shutdown=True),
            )

    @callback
    def _summarise(self, _now: datetime) -> None:
        self._summary_timer = None
        self._warn(dt_util.utcnow())

    def _warn(self, now: datetime) -> None:
        if self._summary_timer is not None:
            self._summary_timer()
            self._summary_timer = None
        counts = ", ".join(f"{count} {why}" for why, count in self._refused.items())
        _LOGGER.warning(
            "Ignored WHOOP webhooks not from WHOOP or not as WHOOP sends them (%s); "
            "further ones are summarised at most every %d minutes",
            counts,
            REFUSED_SUMMARY_EVERY.total_seconds() // 60,
        )
        self._refused.clear()
        self._warned_at = now


async def async_get_guard(hass: HomeAssistant) -> WhoopWebhookGuard:
    """Return the loaded guard shared by every WHOOP entry."""
    if (guard := hass.data.get(WEBHOOK_GUARD)) is None:
        guard = hass.data[WEBHOOK_GUARD] = WhoopWebhookGuard(hass)
    await guard.async_load()
    return guard


def _milli(when: datetime) -> int:
    return round(when.timestamp() * 1000)


async def _read_capped(request: web.Request) -> bytes | None:
    """Return the body, or None once it proves longer than WHOOP's bodies ever are.

    Reads at most one byte over the cap, whatever Content-Length says or whether it is sent.
    """
    chunks: list[bytes] = []
    size = 0
    async with asyncio.timeout(BODY_READ_TIMEOUT):
        while size <= MAX_WEBHOOK_BODY_BYTES:
            chunk = await request.content.read(MAX_WEBHOOK_BODY_BYTES + 1 - size)
            if not chunk:
                break
            chunks.append(chunk)
            size += len(chunk)
    return None if size > MAX_WEBHOOK_BODY_BYTES else b"".join(chunks)


class WhoopWebhookReceiver:
    """Receives one entry's webhook URL; refreshes the member the event is about."""

    def __init__(
        self, hass: HomeAssistant, client_secret: str, guard: WhoopWebhookGuard
    ) -> None:
        """Verify deliveries with the app's client secret; ``guard`` remembers trace ids."""
        self._hass = hass
        self._client_secret = client_secret
        self._guard = guard

    async def async_handle(
        self, hass: HomeAssistant, webhook_id: str, request: web.Request
    ) -> web.Response:
        """Answer WHOOP quickly (it wants a 2xx within a second); refresh in the background."""
        length = request.content_length
        if length is not None and length > MAX_WEBHOOK_BODY_BYTES:
            self._guard.async_refused("body too large")
            return web.Response(status=HTTPStatus.REQUEST_ENTITY_TOO_LARGE)
        try:
            body = await _read_capped(request)
        except TimeoutError:
            self._guard.async_refused("body too slow")
            return web.Response(status=HTTPStatus.REQUEST_TIMEOUT)
        if body is None:
            self._guard.async_refused("body too large")
            return web.Response(status=HTTPStatus.REQUEST_ENTITY_TOO_LARGE)
        timestamp = request.headers.get(WEBHOOK_TIMESTAMP_HEADER)
        try:
            verify_webhook_delivery(
                self._client_secret,
                timestamp=timestamp,
                signature=request.headers.get(WEBHOOK_SIGNATURE_HEADER),
                body=body,
                now=dt_util.utcnow(),
            )
        except WhoopWebhookError as err:
            self._guard.async_refused(err.reason.replace("_", " "))
            return web.Response(status=HTTPStatus.UNAUTHORIZED)
        assert timestamp is not None  # noqa: S101 - verified above
        try:
            event = WebhookEvent.from_body(body)
        except WhoopResponseError:
            _LOGGER.warning("Ignored a WHOOP webhook whose body is not an event")
            return web.Response(status=HTTPStatus.BAD_REQUEST)
        if not self._guard.async_first_delivery(event.trace_id, int(timestamp)):
            return web.Response(status=HTTPStatus.NO_CONTENT)
        if (entry := _member_entry(hass, event.user_id)) is not None:
            _refresh(entry, event)
        return web.Response(status=HTTPStatus.NO_CONTENT)


def _member_entry(hass: HomeAssistant, user_id: int) -> WhoopConfigEntry | None:
    """Return the loaded WHOOP entry of the member, wherever the event arrived."""
    entry = hass.config_entries.async_entry_for_domain_unique_id(DOMAIN, str(user_id))
    if (
        entry is None
        or not is_whoop_account(entry)
        or entry.state is not ConfigEntryState.LOADED
    ):
        return None
    return entry


@callback
def _refresh(entry: WhoopConfigEntry, event: WebhookEvent) -> None:
    runtime_data = entry.runtime_data
    now = dt_util.utcnow()
    for coordinator in runtime_data.coordinators:
        coordinator.last_push = now
    for family in FAMILIES_OF_RESOURCE.get(event.resource, ()):
        if (pushed := runtime_data.coordinator_of(family)) is not None:
            _LOGGER.debug("WHOOP pushed %s: refreshing %s", event.event_type, family)
            entry.async_create_background_task(
                pushed.hass,
                pushed.async_request_refresh(),
                f"WHOOP {family} after a webhook",
            )


async def async_register_webhook(
    hass: HomeAssistant, entry: WhoopConfigEntry, client_secret: str
) -> None:
    """Listen on the entry's webhook URL until the entry unloads."""
    webhook_id: str = entry.data[CONF_WEBHOOK_ID]
    receiver = WhoopWebhookReceiver(hass, client_secret, await async_get_guard(hass))
    webhook.async_register(
        hass,
        DOMAIN,
        f"WHOOP ({entry.title})",
        webhook_id,
        receiver.async_handle,
        allowed_methods=["POST"],
    )
    entry.async_on_unload(lambda: webhook.async_unregister(hass, webhook_id))


def webhook_url(hass: HomeAssistant, entry: WhoopConfigEntry) -> str | None:
    """Return the URL to set in the WHOOP developer dashboard, if Home Assistant has one."""
    try:
        # WHOOP posts from the internet: an internal URL would never be reached.
        return webhook.async_generate_url(
            hass, entry.data[CONF_WEBHOOK_ID], allow_internal=False
        )
    except NoURLAvailableError:
        return None
