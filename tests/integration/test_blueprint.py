"""The "WHOOP morning report" blueprint, loaded into Home Assistant and run against the sandbox."""

import asyncio
from datetime import UTC, datetime, timedelta
from pathlib import Path
import shutil
from typing import Any

from freezegun.api import FrozenDateTimeFactory
from homeassistant import config as conf_util
from homeassistant.config_entries import ConfigSubentryData
from homeassistant.core import HomeAssistant
from homeassistant.helpers import device_registry as dr, entity_registry as er
from homeassistant.setup import async_setup_component
from homeassistant.util import dt as dt_util
import pytest
from pytest_homeassistant_custom_component.common import (
    async_fire_time_changed,
)
import yaml

from custom_components.whoop.const import (
    DOMAIN,
    WHATSAPP_URL_VARIABLE,
    WHOOP_URL_VARIABLE,
)
from custom_components.whoop.whatsapp import setup as whatsapp_setup
from custom_components.whoop.whoop_api.const import SLEEPS_PATH
from sandbox.app import Sandbox
from sandbox.graph import ALERT_TEMPLATE, GraphSandbox, ReceivedMessage
from sandbox.whoop import JOHN
from tests.e2e.demo_home import REPO_ROOT, DemoHome
from tests.integration.conftest import (
    EVERY_LOOK,
    SetUpEntry,
    async_let_every_coordinator_look,
)
from tests.integration.whatsapp.conftest import (
    ALICE,
    TEST_TIMING,
    recipient,
    sender_entry,
)


class _BlueprintLoader(yaml.SafeLoader):
    """Read a blueprint as plain YAML: an ``!input`` tag stays the input's name."""


def _input_tag(loader: yaml.SafeLoader, node: yaml.Node) -> Any:
    return f"!input {loader.construct_scalar(node)}"  # type: ignore[arg-type]


_BlueprintLoader.add_constructor("!input", _input_tag)

BLUEPRINTS = Path(__file__).parents[2] / "blueprints"
BLUEPRINT_PATH = "whoop/morning_report.yaml"
RECOVERY_EVENT = "event.john_smith_recovery"
PREVIOUS_DAY_STRAIN = "sensor.john_smith_previous_day_strain"
ALICE_ENTITY = "notify.alice_whatsapp"

BEFORE_WAKING = datetime(2026, 11, 20, 12, 0, tzinfo=UTC)
# John's recovery of 20 November is scored by then.
NIGHT_SCORED = datetime(2026, 11, 20, 13, 10, tzinfo=UTC)


@pytest.fixture
def graph(sandbox: Sandbox) -> GraphSandbox:
    """The sandbox's Graph API state."""
    return sandbox.graph


@pytest.fixture(autouse=True)
def points_at_sandbox(
    monkeypatch: pytest.MonkeyPatch,
    freezer: FrozenDateTimeFactory,
    sandbox: Sandbox,
    graph: GraphSandbox,
) -> None:
    """WHOOP and Graph requests go to the sandbox, on Home Assistant's (frozen) clock.

    WhatsApp sends without waiting between messages.
    """
    freezer.move_to(BEFORE_WAKING)
    sandbox.clock.follow(dt_util.utcnow)
    monkeypatch.setenv(WHOOP_URL_VARIABLE, sandbox.url)
    monkeypatch.setenv(WHATSAPP_URL_VARIABLE, sandbox.graph_url)
    monkeypatch.setattr(whatsapp_setup, "DeliveryTiming", lambda: TEST_TIMING)
    graph.pair_interval = 0.0


@pytest.fixture(autouse=True)
def blueprint_folder(hass: HomeAssistant, tmp_path: Path) -> None:
    """Give Home Assistant a config folder whose blueprints are the repository's."""
    hass.config.config_dir = str(tmp_path)
    (tmp_path / "blueprints").symlink_to(BLUEPRINTS, target_is_directory=True)


async def _set_up_sender(hass: HomeAssistant, alice: ConfigSubentryData) -> None:
    entry = sender_entry(alice)
    entry.add_to_hass(hass)
    assert await hass.config_entries.async_setup(entry.entry_id)
    await hass.async_block_till_done()


def _member(hass: HomeAssistant) -> str:
    (entry,) = hass.config_entries.async_entries(DOMAIN, include_ignore=False)[:1]
    (device,) = dr.async_entries_for_config_entry(dr.async_get(hass), entry.entry_id)
    assert (DOMAIN, str(JOHN.user_id)) in device.identifiers
    return device.id


async def _use_blueprint(hass: HomeAssistant, **extra_inputs: str) -> None:
    assert await async_setup_component(
        hass,
        "automation",
        {
            "automation": {
                "alias": "Morning report",
                "use_blueprint": {
                    "path": BLUEPRINT_PATH,
                    "input": {
                        "member": _member(hass),
                        "recipient": ALICE_ENTITY,
                        "previous_day_strain": PREVIOUS_DAY_STRAIN,
                        **extra_inputs,
                    },
                },
            }
        },
    )
    await hass.async_block_till_done()
    state = hass.states.get("automation.morning_report")
    assert state is not None
    assert state.state == "on"


async def _john_wakes_up(hass: HomeAssistant, freezer: FrozenDateTimeFactory) -> None:
    """WHOOP scores today's recovery; the integration notices, then fetches last night's sleep."""
    freezer.move_to(NIGHT_SCORED)
    await async_let_every_coordinator_look(hass)


def _expected_report(sandbox: Sandbox) -> str:
    """The report as the blueprint words it, from what the sandbox's WHOOP holds for John."""
    records = sandbox.whoop.records(JOHN.user_id)
    recovery = records.recoveries[0]
    assert recovery.score is not None
    sleep = next(sleep for sleep in records.sleeps if sleep.id == recovery.sleep_id)
    assert sleep.score is not None
    previous_cycle = next(
        cycle for cycle in records.cycles if cycle.id != recovery.cycle_id
    )
    assert previous_cycle.score is not None
    score = recovery.score.recovery_score
    zone, icon = (
        ("green", "🟢")
        if score >= 67
        else ("yellow", "🟡")
        if score >= 34
        else ("red", "🔴")
    )
    stages = sleep.score.stage_summary
    asleep_milli = (
        stages.total_light_sleep_time_milli
        + stages.total_slow_wave_sleep_time_milli
        + stages.total_rem_sleep_time_milli
    )
    return "\n".join(
        [
            f"{icon} Recovery {round(score)} % ({zone})",
            (
                f"HRV {round(recovery.score.hrv_rmssd_milli)} ms, resting heart rate "
                f"{round(recovery.score.resting_heart_rate)} bpm"
            ),
            (
                # The sleep event holds hours to two places; the report shows one.
                f"Sleep {round(sleep.score.sleep_performance_percentage)} %, "
                f"{round(round(asleep_milli / 3_600_000, 2), 1)} h asleep"
            ),
            f"Previous day's strain {round(previous_cycle.score.strain, 1)}",
        ]
    )


def _only_message_to_alice(graph: GraphSandbox) -> ReceivedMessage:
    messages = graph.messages_to(ALICE)
    assert len(messages) == 1, [message.text for message in messages]
    return messages[0]


async def test_the_report_reaches_a_text_recipient(
    hass: HomeAssistant,
    freezer: FrozenDateTimeFactory,
    sandbox: Sandbox,
    set_up_entry: SetUpEntry,
    graph: GraphSandbox,
) -> None:
    await set_up_entry()
    await _set_up_sender(hass, recipient("Alice", ALICE, "text"))
    await _use_blueprint(hass)
    graph.open_window(ALICE, BEFORE_WAKING)

    await _john_wakes_up(hass, freezer)

    message = _only_message_to_alice(graph)
    assert message.type == "text"
    assert message.text == f"*WHOOP morning report*\n{_expected_report(sandbox)}"


async def test_the_report_fits_a_template_on_one_line(
    hass: HomeAssistant,
    freezer: FrozenDateTimeFactory,
    sandbox: Sandbox,
    set_up_entry: SetUpEntry,
    graph: GraphSandbox,
) -> None:
    await set_up_entry()
    await _set_up_sender(hass, recipient("Alice", ALICE, "template"))
    await _use_blueprint(hass, title="Good morning John")

    await _john_wakes_up(hass, freezer)

    message = _only_message_to_alice(graph)
    assert message.type == "template"
    assert message.template_name == ALERT_TEMPLATE
    report_on_one_line = " · ".join(_expected_report(sandbox).splitlines())
    assert message.body_parameters == ("Good morning John", report_on_one_line)


async def test_nothing_is_sent_before_a_new_recovery(
    hass: HomeAssistant,
    freezer: FrozenDateTimeFactory,
    sandbox: Sandbox,
    set_up_entry: SetUpEntry,
    graph: GraphSandbox,
) -> None:
    await set_up_entry()
    await _set_up_sender(hass, recipient("Alice", ALICE, "text"))
    await _use_blueprint(hass)
    graph.open_window(ALICE, BEFORE_WAKING)

    # Still before waking: yesterday's recovery is already known, the blueprint stays quiet.
    sandbox.whoop.reset_log()
    await async_let_every_coordinator_look(hass)
    assert sandbox.whoop.request_counts()["GET /developer/v2/recovery"] >= 1
    assert graph.messages_to(ALICE) == []

    await _john_wakes_up(hass, freezer)
    assert len(graph.messages_to(ALICE)) == 1


async def _wait_until_running(hass: HomeAssistant) -> None:
    """Wait until the automation is running (it waits for last night's sleep).

    Bounded by passes through the event loop, not by time: the test's clock is frozen.
    """
    for _ in range(200):
        state = hass.states.get("automation.morning_report")
        if state is not None and state.attributes.get("current") == 1:
            return
        await asyncio.sleep(0)
    pytest.fail("the automation did not start")


async def test_without_last_nights_sleep_the_report_says_so_after_ten_minutes(
    hass: HomeAssistant,
    freezer: FrozenDateTimeFactory,
    sandbox: Sandbox,
    set_up_entry: SetUpEntry,
    graph: GraphSandbox,
) -> None:
    await set_up_entry()
    await _set_up_sender(hass, recipient("Alice", ALICE, "text"))
    await _use_blueprint(hass)
    graph.open_window(ALICE, BEFORE_WAKING)
    sandbox.whoop.faults.add("server_error", path=SLEEPS_PATH, count=0)

    freezer.move_to(NIGHT_SCORED)
    # Every coordinator looks (not waiting for the automation: it waits for the sleep).
    async_fire_time_changed(hass, dt_util.utcnow() + EVERY_LOOK)
    await _wait_until_running(hass)
    assert graph.messages_to(ALICE) == []  # waiting for last night's sleep

    freezer.tick(timedelta(minutes=10, seconds=1))
    async_fire_time_changed(hass)
    await hass.async_block_till_done(wait_background_tasks=True)

    text = _only_message_to_alice(graph).text
    assert text is not None
    expected = f"*WHOOP morning report*\n{_expected_report(sandbox)}".splitlines()
    lines = text.splitlines()
    assert lines[:3] == expected[:3]
    assert lines[3] == "Last night's sleep is not scored yet"
    # Ten minutes on, the other families polled too: the strain shows if they got through.
    assert lines[4] in {expected[4], "Previous day's strain ?"}


async def test_renamed_entities_are_still_found_through_the_member(
    hass: HomeAssistant,
    freezer: FrozenDateTimeFactory,
    sandbox: Sandbox,
    set_up_entry: SetUpEntry,
    graph: GraphSandbox,
) -> None:
    await set_up_entry()
    registry = er.async_get(hass)
    # As a person renames them, or as another language names them.
    registry.async_update_entity(RECOVERY_EVENT, new_entity_id="event.erholung")
    registry.async_update_entity("event.john_smith_sleep", new_entity_id="event.schlaf")
    await hass.async_block_till_done()
    await _set_up_sender(hass, recipient("Alice", ALICE, "text"))
    await _use_blueprint(hass)
    graph.open_window(ALICE, BEFORE_WAKING)

    await _john_wakes_up(hass, freezer)

    message = _only_message_to_alice(graph)
    assert message.text == f"*WHOOP morning report*\n{_expected_report(sandbox)}"


async def test_without_the_strain_sensor_the_report_leaves_it_out(
    hass: HomeAssistant,
    freezer: FrozenDateTimeFactory,
    sandbox: Sandbox,
    set_up_entry: SetUpEntry,
    graph: GraphSandbox,
) -> None:
    await set_up_entry()
    await _set_up_sender(hass, recipient("Alice", ALICE, "text"))
    await _use_blueprint(hass, previous_day_strain="")
    graph.open_window(ALICE, BEFORE_WAKING)

    await _john_wakes_up(hass, freezer)

    expected = _expected_report(sandbox).splitlines()[:3]
    assert _only_message_to_alice(graph).text == "\n".join(
        ["*WHOOP morning report*", *expected]
    )


def test_the_member_picker_offers_whoop_members_only() -> None:
    text = (BLUEPRINTS / "automation" / BLUEPRINT_PATH).read_text(encoding="utf-8")
    # A SafeLoader that only adds the !input tag: nothing unsafe is constructed.
    blueprint = yaml.load(text, Loader=_BlueprintLoader)["blueprint"]  # noqa: S506
    member = blueprint["input"]["member"]["selector"]
    assert member == {
        "device": {"filter": [{"integration": DOMAIN, "model": "WHOOP member"}]}
    }
    # No event picker at all: nothing to pick that would never fire.
    assert not any(
        "event" in str(field.get("selector", {}).get("entity", {}))
        for field in blueprint["input"].values()
    )


async def test_the_development_config_loads_ui_and_hand_written_automations(
    hass: HomeAssistant, tmp_path: Path
) -> None:
    """config/configuration.yaml: the editor's automations.yaml and the automations/ folder."""
    config_dir = tmp_path / "config"
    (config_dir / "automations").mkdir(parents=True)
    shutil.copy(REPO_ROOT / "config" / "configuration.yaml", config_dir)
    (config_dir / "automations.yaml").write_text(
        "- id: '1700000000000'\n  alias: Saved from the editor\n"
        "  triggers: [{trigger: homeassistant, event: start}]\n  actions: []\n",
        encoding="utf-8",
    )
    (config_dir / "automations" / "mine.yaml").write_text(
        "- alias: Written by hand\n"
        "  triggers: [{trigger: homeassistant, event: start}]\n  actions: []\n",
        encoding="utf-8",
    )
    hass.config.config_dir = str(config_dir)
    config = await conf_util.async_hass_config_yaml(hass)
    automations = {
        key: value for key, value in config.items() if key.startswith("automation")
    }
    assert await async_setup_component(hass, "automation", automations)
    await hass.async_block_till_done()

    assert hass.states.get("automation.saved_from_the_editor") is not None
    assert hass.states.get("automation.written_by_hand") is not None


def test_the_demo_copies_the_blueprints_and_starts_the_editors_file(
    tmp_path: Path,
) -> None:
    home = DemoHome(tmp_path / "demo")
    home.prepare()
    copied = tmp_path / "demo" / "blueprints" / "automation" / "whoop"
    # Copied, not linked: Home Assistant's blueprint listing does not follow links.
    assert not copied.is_symlink()
    assert (copied / "morning_report.yaml").read_bytes() == (
        BLUEPRINTS / "automation" / BLUEPRINT_PATH
    ).read_bytes()
    assert (tmp_path / "demo" / "automations.yaml").read_text(
        encoding="utf-8"
    ) == "[]\n"

    # A second start keeps what the editor saved and refreshes the blueprints.
    (tmp_path / "demo" / "automations.yaml").write_text(
        "- alias: mine\n", encoding="utf-8"
    )
    (copied / "stale.yaml").write_text("old", encoding="utf-8")
    home.prepare()
    assert (tmp_path / "demo" / "automations.yaml").read_text(encoding="utf-8") == (
        "- alias: mine\n"
    )
    assert not (copied / "stale.yaml").exists()
