"""Home Assistant lists a WHOOP member as a service (an online account), not as a device."""

from homeassistant.core import HomeAssistant
from homeassistant.helpers import device_registry as dr, entity_registry as er

from custom_components.whoop.const import DOMAIN
from sandbox.whoop import JOHN
from tests.integration.conftest import SetUpEntry


async def test_the_member_is_a_service_holding_the_sensors(
    hass: HomeAssistant, set_up_entry: SetUpEntry
) -> None:
    entry = await set_up_entry()

    (member,) = dr.async_entries_for_config_entry(dr.async_get(hass), entry.entry_id)
    assert member.entry_type is dr.DeviceEntryType.SERVICE
    assert member.name == "John Smith"
    assert (DOMAIN, str(JOHN.user_id)) in member.identifiers
    on_it = {
        e.entity_id for e in er.async_entries_for_device(er.async_get(hass), member.id)
    }
    assert {
        "sensor.john_smith_recovery",
        "sensor.john_smith_total_sleep",
        "sensor.john_smith_day_strain",
        "sensor.john_smith_last_workout",
        "sensor.john_smith_weight",
        "event.john_smith_recovery",
    } <= on_it
