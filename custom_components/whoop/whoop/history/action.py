"""The ``whoop.get_history`` action: a member's records of one family over a span, as data.

For scripts and LLM tools: the values come in the sensors' units (hours of sleep, kcal, km),
under the sensors' keys. A span of at most ``MAX_SPAN`` keeps the answer and its requests bounded.
"""

from datetime import datetime, timedelta
from typing import Any, Final

from homeassistant.components.sensor import SensorDeviceClass
from homeassistant.components.sensor.const import UNIT_CONVERTERS
from homeassistant.config_entries import ConfigEntryState
from homeassistant.const import ATTR_DEVICE_ID
from homeassistant.core import (
    HomeAssistant,
    ServiceCall,
    ServiceResponse,
    SupportsResponse,
    callback,
)
from homeassistant.exceptions import HomeAssistantError, ServiceValidationError
from homeassistant.helpers import config_validation as cv, device_registry as dr
from homeassistant.util import dt as dt_util
import probatio as vol

from ...const import DOMAIN
from ...entry_kind import is_whatsapp_sender
from ...whoop_api import (
    MAX_PAGE_LIMIT,
    Cycle,
    Recovery,
    Sleep,
    WhoopError,
    WhoopRateLimitError,
    Workout,
)
from ..auth.scopes import DataFamily, granted_families
from ..coordinator import WhoopConfigEntry
from ..sensors import SENSORS, WhoopSensorEntityDescription
from .importer import fetcher_of
from .statistics import HistoryRecord, as_coordinator_data

SERVICE_GET_HISTORY: Final = "get_history"
ATTR_CONFIG_ENTRY_ID: Final = "config_entry_id"
ATTR_FAMILY: Final = "family"
ATTR_START: Final = "start"
ATTR_END: Final = "end"
MAX_SPAN: Final = timedelta(days=90)
# 90 days hold about 120 sleeps and naps or a few hundred workouts: 12 pages of 25 suffice.
MAX_PAGES: Final = 12

FAMILIES: Final = {
    "recovery": DataFamily.RECOVERY,
    "sleep": DataFamily.SLEEP,
    "cycle": DataFamily.STRAIN,
    "workout": DataFamily.WORKOUT,
}

GET_HISTORY_SCHEMA: Final = vol.Schema(
    {
        vol.Exclusive(ATTR_CONFIG_ENTRY_ID, "member"): cv.string,
        vol.Exclusive(ATTR_DEVICE_ID, "member"): cv.string,
        vol.Required(ATTR_FAMILY): vol.In(list(FAMILIES)),
        vol.Required(ATTR_START): cv.datetime,
        vol.Optional(ATTR_END): cv.datetime,
    }
)


@callback
def async_setup_history_action(hass: HomeAssistant) -> None:
    """Register ``whoop.get_history``."""

    async def get_history(call: ServiceCall) -> ServiceResponse:
        return await _async_get_history(hass, call)

    hass.services.async_register(
        DOMAIN,
        SERVICE_GET_HISTORY,
        get_history,
        schema=GET_HISTORY_SCHEMA,
        supports_response=SupportsResponse.ONLY,
    )


def _error(*, key: str, **placeholders: str) -> ServiceValidationError:
    return ServiceValidationError(
        translation_domain=DOMAIN,
        translation_key=key,
        translation_placeholders=placeholders or None,
    )


def _member_entry(hass: HomeAssistant, call: ServiceCall) -> WhoopConfigEntry:
    """Return the loaded WHOOP account the call names (by entry or by device)."""
    entry_id: str | None = call.data.get(ATTR_CONFIG_ENTRY_ID)
    if (device_id := call.data.get(ATTR_DEVICE_ID)) is not None:
        device = dr.async_get(hass).async_get(device_id)
        entry_id = (
            next((e for e in device.config_entries if _is_whoop_account(hass, e)), None)
            if device is not None
            else None
        )
    entry = hass.config_entries.async_get_entry(entry_id) if entry_id else None
    if (
        entry is None
        or entry.domain != DOMAIN
        or is_whatsapp_sender(entry)
        or entry.state is not ConfigEntryState.LOADED
    ):
        raise _error(key="history_unknown_member")
    return entry


def _is_whoop_account(hass: HomeAssistant, entry_id: str) -> bool:
    entry = hass.config_entries.async_get_entry(entry_id)
    return (
        entry is not None and entry.domain == DOMAIN and not is_whatsapp_sender(entry)
    )


def _span(call: ServiceCall) -> tuple[datetime, datetime]:
    now = dt_util.utcnow()
    start = dt_util.as_utc(dt_util.as_local(call.data[ATTR_START]))
    end = dt_util.as_utc(dt_util.as_local(call.data.get(ATTR_END, now)))
    if end <= start:
        raise _error(key="history_bad_range")
    if end - start > MAX_SPAN:
        raise _error(key="history_span_too_long", max_days=str(MAX_SPAN.days))
    return start, end


async def _async_get_history(hass: HomeAssistant, call: ServiceCall) -> ServiceResponse:
    entry = _member_entry(hass, call)
    family_name: str = call.data[ATTR_FAMILY]
    family = FAMILIES[family_name]
    start, end = _span(call)
    runtime_data = entry.runtime_data
    if family not in granted_families(runtime_data.tokens.granted_scopes):
        raise _error(key="history_missing_scope", family=family_name)
    fetch = fetcher_of(runtime_data.client, family)
    try:
        records = await fetch(
            start=start, end=end, limit=MAX_PAGE_LIMIT, max_pages=MAX_PAGES
        )
    except WhoopRateLimitError as err:
        raise HomeAssistantError(
            translation_domain=DOMAIN, translation_key="rate_limited"
        ) from err
    except WhoopError as err:
        raise HomeAssistantError(
            translation_domain=DOMAIN,
            translation_key="history_request_failed",
            translation_placeholders={"error": type(err).__name__},
        ) from err
    return {
        "family": family_name,
        "start": start.isoformat(),
        "end": end.isoformat(),
        "records": [record_as_data(family, record) for record in records],
    }


def record_as_data(family: DataFamily, record: HistoryRecord) -> dict[str, Any]:
    """Return a record's identity, times and sensor values (in the sensors' units)."""
    described: dict[str, Any] = {"score_state": record.score_state.value}
    match record:
        case Recovery():
            described |= {
                "cycle_id": record.cycle_id,
                "sleep_id": record.sleep_id,
                "date": dt_util.as_local(record.created_at).date().isoformat(),
            }
        case Sleep():
            described |= {"id": record.id, "nap": record.nap}
        case Cycle():
            described |= {"id": record.id}
        case Workout():
            described |= {"id": record.id, "sport": record.sport_name}
    if not isinstance(record, Recovery):
        described["start"] = record.start.isoformat()
        described["end"] = record.end.isoformat() if record.end is not None else None
    data = as_coordinator_data(family, record)
    for description in _value_descriptions(family):
        value = description.value_fn(data)
        if isinstance(value, bool) or not isinstance(value, int | float):
            continue
        described[description.key] = _in_sensor_unit(description, float(value))
    return described


def _value_descriptions(family: DataFamily) -> tuple[WhoopSensorEntityDescription, ...]:
    """The family's sensors; those whose value is a number give a field."""
    return tuple(d for d in SENSORS if d.family is family)


def _in_sensor_unit(description: WhoopSensorEntityDescription, value: float) -> float:
    """Convert from WHOOP's unit to the unit the sensor shows, rounded as it shows it."""
    native = description.native_unit_of_measurement
    shown = description.suggested_unit_of_measurement
    if (
        shown is not None
        and shown != native
        and description.device_class is not None
        and (
            converter := UNIT_CONVERTERS.get(
                SensorDeviceClass(description.device_class)
            )
        )
    ):
        value = converter.convert(value, native, str(shown))
    precision = description.suggested_display_precision
    return round(value, precision if precision is not None else 2)
