"""Shims that let the suite run on Home Assistant releases newer than the test plugin's.

pytest-homeassistant-custom-component pins one Home Assistant release; `script/test --ha VERSION`
forces another on top. This package is a pytest plugin: `script/test --ha` loads it with
`-p tests.compat`, before the other plugins (one shim must run before they import httpx), and
tests/conftest.py names it too, so that every run loads it. Each shim applies only on the
releases that need it: on the pinned release this plugin does nothing.
"""

from importlib.metadata import version
import re

import pytest

from tests.compat import ha_2026_11


def release(text: str) -> tuple[int, int, int]:
    """(year, month, patch) of a Home Assistant version such as 2026.11.0 or 2026.12.0b1."""
    match = re.match(r"(\d+)\.(\d+)\.(\d+)", text)
    if match is None:
        msg = f"not a Home Assistant version: {text!r}"
        raise ValueError(msg)
    year, month, patch = (int(part) for part in match.groups())
    return year, month, patch


HOME_ASSISTANT = release(version("homeassistant"))
NEEDS_2026_11_SHIMS = HOME_ASSISTANT >= ha_2026_11.FIRST_RELEASE

if NEEDS_2026_11_SHIMS:
    ha_2026_11.apply_before_plugins()


def pytest_configure(config: pytest.Config) -> None:
    """Patch the plugin's helpers once every plugin is loaded, before collection."""
    if NEEDS_2026_11_SHIMS:
        ha_2026_11.apply_after_plugins()


def pytest_report_header(config: pytest.Config) -> str:
    """Say which Home Assistant runs and whether shims are on."""
    shims = "2026.11 shims on" if NEEDS_2026_11_SHIMS else "no shims"
    return f"homeassistant {version('homeassistant')} ({shims})"
