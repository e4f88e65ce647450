"""whoop.get_history answers a span of at most 90 days, as the README says."""

from typing import Any

from homeassistant.core import HomeAssistant
from homeassistant.exceptions import ServiceValidationError
import pytest

from custom_components.whoop.const import DOMAIN
from tests.integration.conftest import SetUpEntry

END = "2026-11-20T12:00:00+00:00"


async def _get_history(hass: HomeAssistant, **data: Any) -> dict[str, Any]:
    response = await hass.services.async_call(
        DOMAIN, "get_history", data, blocking=True, return_response=True
    )
    assert isinstance(response, dict)
    return response


async def test_ninety_days_are_answered(
    hass: HomeAssistant, set_up_entry: SetUpEntry
) -> None:
    entry = await set_up_entry()
    response = await _get_history(
        hass,
        config_entry_id=entry.entry_id,
        family="recovery",
        start="2026-08-22T12:00:00+00:00",  # 90 days before END
        end=END,
    )
    assert response["records"]


async def test_ninety_days_and_a_minute_are_refused_with_the_limit_named(
    hass: HomeAssistant, set_up_entry: SetUpEntry
) -> None:
    entry = await set_up_entry()
    with pytest.raises(ServiceValidationError) as caught:
        await _get_history(
            hass,
            config_entry_id=entry.entry_id,
            family="recovery",
            start="2026-08-22T11:59:00+00:00",
            end=END,
        )
    assert caught.value.translation_key == "history_span_too_long"
    assert caught.value.translation_placeholders == {"max_days": "90"}
