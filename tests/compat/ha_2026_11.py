"""Shims for Home Assistant 2026.11, which the pinned test plugin (for 2026.10) predates.

Each shim goes once the plugin has a release for 2026.11 (pytest-homeassistant-custom-component
follows core's own tests/common.py a few days after each release).
"""

from collections.abc import Callable, Mapping, Sequence
from datetime import UTC, datetime
import importlib
import importlib.abc
from importlib.machinery import ModuleSpec
import importlib.util
import json
import sys
from types import ModuleType
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from homeassistant.core import HomeAssistant, State

FIRST_RELEASE = (2026, 11, 0)


def apply_before_plugins() -> None:
    """Shims that must be in place before pytest loads the other plugins."""
    # 2026.11 swaps httpx for httpx2: `import homeassistant` aliases `httpx` to httpx2 and refuses
    # if httpx is already imported. The plugin imports respx (which imports httpx) before its first
    # Home Assistant import, so import the bare package first, as Home Assistant's own start does.
    # (Only the package: the plugin patches JSON and time helpers before anything else imports them.)
    importlib.import_module("homeassistant")

    # 2026.11 moved `_clear_logger_overwrites` from the logger component into its helpers module;
    # the plugin still imports it from the component (and calls it after each test). Re-export it
    # as soon as the component is imported: importing it here would import the JSON helpers too
    # early.
    _after_import("homeassistant.components.logger", _reexport_clear_logger_overwrites)


def apply_after_plugins() -> None:
    """Shims that patch the plugin's own helpers, before any test module imports them."""
    # 2026.11 split RestoreStateData.last_states into last_states_by_entity_id and
    # last_states_by_entity_registry_id; the plugin's mocks still write last_states, which nothing
    # reads any more, so every restored state is silently lost.
    common = importlib.import_module("pytest_homeassistant_custom_component.common")
    common.mock_restore_cache = mock_restore_cache
    common.mock_restore_cache_with_extra_data = mock_restore_cache_with_extra_data


def _reexport_clear_logger_overwrites(logger: ModuleType) -> None:
    if not hasattr(logger, "_clear_logger_overwrites"):
        helpers = importlib.import_module("homeassistant.components.logger.helpers")
        logger._clear_logger_overwrites = helpers._clear_logger_overwrites


def mock_restore_cache(hass: HomeAssistant, states: Sequence[State]) -> None:
    """The plugin's mock of the restore cache, filling the stores that 2026.11 reads."""
    _mock_restore_cache(hass, [(state, None) for state in states])


def mock_restore_cache_with_extra_data(
    hass: HomeAssistant, states: Sequence[tuple[State, Mapping[str, Any]]]
) -> None:
    """The plugin's mock of the restore cache with extra data, for 2026.11."""
    _mock_restore_cache(hass, states)


def _mock_restore_cache(
    hass: HomeAssistant, states: Sequence[tuple[State, Mapping[str, Any] | None]]
) -> None:
    restore_state = importlib.import_module("homeassistant.helpers.restore_state")
    encoder = importlib.import_module("homeassistant.helpers.json").JSONEncoder
    data = restore_state.RestoreStateData(hass)
    now = datetime.now(UTC)
    stored = [
        {
            "state": {
                **state.as_dict(),
                "attributes": json.loads(json.dumps(state.attributes, cls=encoder)),
            },
            "extra_data": extra_data,
            "last_seen": now,
        }
        for state, extra_data in states
    ]
    # Home Assistant's own loader indexes each state by registry entry (or entity id) ...
    data._async_load_stored_states(stored)
    # ... and moves a state to its registry entry when the entity is registered after this.
    hass.bus.async_listen(
        "entity_registry_updated",
        data._async_entity_registry_entry_created,
        event_filter=restore_state._entity_registry_entry_created_filter,
    )
    restored = len(data.last_states_by_entity_id) + len(
        data.last_states_by_entity_registry_id
    )
    assert restored == len(states), f"Duplicate entity_id? {states}"
    restore_state.async_get.cache_clear()
    hass.data[restore_state.DATA_RESTORE_STATE] = data


def _after_import(name: str, then: Callable[[ModuleType], None]) -> None:
    """Call `then` with module `name` right after its first import (or now, if imported)."""
    if (module := sys.modules.get(name)) is not None:
        then(module)
        return
    sys.meta_path.insert(0, _AfterImportFinder(name, then))


class _AfterImportFinder(importlib.abc.MetaPathFinder):
    """Finds one module through the other finders and runs a callback once it is executed."""

    def __init__(self, name: str, then: Callable[[ModuleType], None]) -> None:
        self._name = name
        self._then = then

    def find_spec(
        self,
        fullname: str,
        path: Sequence[str] | None = None,
        target: ModuleType | None = None,
    ) -> ModuleSpec | None:
        if fullname != self._name:
            return None
        sys.meta_path.remove(self)
        spec = importlib.util.find_spec(fullname)
        if spec is None or spec.loader is None:
            return spec
        loader = spec.loader
        execute = loader.exec_module
        then = self._then

        def exec_module(module: ModuleType) -> None:
            execute(module)
            then(module)

        loader.exec_module = exec_module  # type: ignore[method-assign]
        return spec
