"""WHOOP webhooks: WHOOP says a record changed, and that family refreshes at once.

WHOOP sends every event of a developer app to the one URL set in its dashboard, so a household
sharing an app shares a URL: events are routed by the member's ``user_id``. Deliveries are signed
with the app's client secret, may repeat (deduplicated on ``trace_id``) and may be missed, which
is why polling goes on, slower, while they flow.
"""

from collections import deque
from http import HTTPStatus
import json
import logging

from aiohttp import web
from homeassistant.components import webhook
from homeassistant.config_entries import ConfigEntryState
from homeassistant.core import HomeAssistant, callback
from homeassistant.helpers.network import NoURLAvailableError
from homeassistant.util import dt as dt_util

from ..const import DOMAIN
from ..entry_kind import is_whoop_account
from ..whoop_api import (
    WEBHOOK_SIGNATURE_HEADER,
    WEBHOOK_TIMESTAMP_HEADER,
    WebhookEvent,
    WhoopResponseError,
    verify_webhook_signature,
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
REMEMBERED_TRACE_IDS = 500


class WhoopWebhookReceiver:
    """Receives one entry's webhook URL; refreshes the member the event is about."""

    def __init__(self, hass: HomeAssistant, client_secret: str) -> None:
        """Verify deliveries with the app's client secret."""
        self._hass = hass
        self._client_secret = client_secret
        self._seen_trace_ids: deque[str] = deque(maxlen=REMEMBERED_TRACE_IDS)

    async def async_handle(
        self, hass: HomeAssistant, webhook_id: str, request: web.Request
    ) -> web.Response:
        """Answer WHOOP quickly (it wants a 2xx within a second); refresh in the background."""
        body = await request.read()
        if not verify_webhook_signature(
            self._client_secret,
            request.headers.get(WEBHOOK_TIMESTAMP_HEADER, ""),
            body,
            request.headers.get(WEBHOOK_SIGNATURE_HEADER, ""),
        ):
            _LOGGER.warning("Ignored a WHOOP webhook with a missing or wrong signature")
            return web.Response(status=HTTPStatus.UNAUTHORIZED)
        try:
            event = WebhookEvent.from_api(json.loads(body))
        except ValueError, WhoopResponseError:
            _LOGGER.warning("Ignored a WHOOP webhook whose body is not an event")
            return web.Response(status=HTTPStatus.BAD_REQUEST)
        if event.trace_id in self._seen_trace_ids:
            return web.Response(status=HTTPStatus.NO_CONTENT)
        self._seen_trace_ids.append(event.trace_id)
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


@callback
def async_register_webhook(
    hass: HomeAssistant, entry: WhoopConfigEntry, client_secret: str
) -> None:
    """Listen on the entry's webhook URL until the entry unloads."""
    webhook_id: str = entry.data[CONF_WEBHOOK_ID]
    receiver = WhoopWebhookReceiver(hass, client_secret)
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
