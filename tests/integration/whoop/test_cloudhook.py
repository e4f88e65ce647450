"""WHOOP webhooks through Home Assistant Cloud: a cloudhook made once, shown, deleted with the entry.

The cloud component is mocked the way core withings' tests do: its functions are patched.
"""

from collections.abc import Iterator
from unittest.mock import AsyncMock, patch

from homeassistant.components import cloud
from homeassistant.core import HomeAssistant
from homeassistant.core_config import async_process_ha_core_config
from homeassistant.data_entry_flow import FlowResultType
import pytest

from custom_components.whoop.whoop.cloudhook import CONF_CLOUDHOOK_URL
from tests.integration.conftest import SetUpEntry

CLOUDHOOK_URL = "https://hooks.nabu.casa/whoop-test-hook"


class MockedCloud:
    """The patched cloud functions a test looks at."""

    def __init__(self, create: AsyncMock, delete: AsyncMock) -> None:
        """Keep the mocks."""
        self.create = create
        self.delete = delete


@pytest.fixture
def subscribed() -> Iterator[MockedCloud]:
    """An active Home Assistant Cloud subscription whose cloudhooks work."""
    create = AsyncMock(return_value=CLOUDHOOK_URL)
    delete = AsyncMock(return_value=None)
    with (
        patch.object(cloud, "async_active_subscription", return_value=True),
        patch.object(cloud, "async_create_cloudhook", create),
        patch.object(cloud, "async_delete_cloudhook", delete),
    ):
        yield MockedCloud(create, delete)


async def test_with_a_subscription_the_dialog_shows_a_cloudhook_made_once(
    hass: HomeAssistant, set_up_entry: SetUpEntry, subscribed: MockedCloud
) -> None:
    entry = await set_up_entry()

    result = await hass.config_entries.options.async_init(entry.entry_id)
    # A page to read with a Close button: nothing to submit.
    assert result["type"] is FlowResultType.ABORT
    assert result["reason"] == "webhook_info_cloud"
    assert result["description_placeholders"] == {"webhook_url": CLOUDHOOK_URL}
    assert entry.data[CONF_CLOUDHOOK_URL] == CLOUDHOOK_URL
    subscribed.create.assert_awaited_once_with(hass, entry.data["webhook_id"])

    # Opened again: the stored URL, no second cloudhook.
    result = await hass.config_entries.options.async_init(entry.entry_id)
    assert result["description_placeholders"] == {"webhook_url": CLOUDHOOK_URL}
    assert subscribed.create.await_count == 1


async def test_removing_the_account_deletes_its_cloudhook(
    hass: HomeAssistant, set_up_entry: SetUpEntry, subscribed: MockedCloud
) -> None:
    entry = await set_up_entry()
    await hass.config_entries.options.async_init(entry.entry_id)
    subscribed.delete.reset_mock()

    await hass.config_entries.async_remove(entry.entry_id)
    await hass.async_block_till_done()

    subscribed.delete.assert_awaited_once_with(hass, entry.data["webhook_id"])


async def test_an_account_without_a_cloudhook_deletes_nothing(
    hass: HomeAssistant, set_up_entry: SetUpEntry, subscribed: MockedCloud
) -> None:
    entry = await set_up_entry()
    await hass.config_entries.async_remove(entry.entry_id)
    await hass.async_block_till_done()
    subscribed.delete.assert_not_awaited()


async def test_a_cloud_that_cannot_delete_does_not_stop_the_removal(
    hass: HomeAssistant,
    set_up_entry: SetUpEntry,
    subscribed: MockedCloud,
    caplog: pytest.LogCaptureFixture,
) -> None:
    entry = await set_up_entry()
    await hass.config_entries.options.async_init(entry.entry_id)
    subscribed.delete.side_effect = cloud.CloudNotAvailable

    await hass.config_entries.async_remove(entry.entry_id)
    await hass.async_block_till_done()

    assert hass.config_entries.async_get_entry(entry.entry_id) is None
    assert "Could not delete the Home Assistant Cloud webhook of John Smith" in (
        caplog.text
    )


async def test_an_unreachable_cloud_falls_back_to_the_external_url(
    hass: HomeAssistant,
    set_up_entry: SetUpEntry,
    subscribed: MockedCloud,
    caplog: pytest.LogCaptureFixture,
) -> None:
    await async_process_ha_core_config(
        hass, {"external_url": "https://home.example.com"}
    )
    subscribed.create.side_effect = cloud.CloudNotConnected
    entry = await set_up_entry()

    result = await hass.config_entries.options.async_init(entry.entry_id)

    assert result["reason"] == "webhook_info"
    assert result["description_placeholders"] == {
        "webhook_url": f"https://home.example.com/api/webhook/{entry.data['webhook_id']}"
    }
    assert CONF_CLOUDHOOK_URL not in entry.data
    assert "Could not create a Home Assistant Cloud webhook for John Smith" in (
        caplog.text
    )


async def test_neither_cloud_nor_external_url_says_what_to_do(
    hass: HomeAssistant, set_up_entry: SetUpEntry, subscribed: MockedCloud
) -> None:
    subscribed.create.side_effect = cloud.CloudNotConnected
    entry = await set_up_entry()

    result = await hass.config_entries.options.async_init(entry.entry_id)

    assert result["type"] is FlowResultType.ABORT
    assert result["reason"] == "no_webhook_url"
