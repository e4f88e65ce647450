"""The shims switch on by release, and each one does what the newer release needs."""

from importlib.metadata import version
from pathlib import Path
import sys

import pytest
from pytest_homeassistant_custom_component import common

from tests import compat
from tests.compat import ha_2026_11


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("2026.10.4", (2026, 10, 4)),
        ("2026.11.0", (2026, 11, 0)),
        ("2026.12.0b1", (2026, 12, 0)),
        ("2027.1.0.dev202612010000", (2027, 1, 0)),
    ],
)
def test_release_reads_home_assistant_versions(
    text: str, expected: tuple[int, int, int]
) -> None:
    assert compat.release(text) == expected


def test_release_refuses_what_is_not_a_version() -> None:
    with pytest.raises(ValueError, match="not a Home Assistant version"):
        compat.release("dev")


def test_shims_are_on_exactly_from_2026_11() -> None:
    installed = compat.release(version("homeassistant"))
    assert compat.NEEDS_2026_11_SHIMS is (installed >= (2026, 11, 0))
    patched = (
        common.mock_restore_cache_with_extra_data
        is ha_2026_11.mock_restore_cache_with_extra_data
    )
    assert patched is compat.NEEDS_2026_11_SHIMS


def test_after_import_runs_once_the_module_has_executed(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    (tmp_path / "whoop_compat_probe.py").write_text("VALUE = 1\n")
    monkeypatch.syspath_prepend(str(tmp_path))
    seen: list[int] = []
    ha_2026_11._after_import(
        "whoop_compat_probe", lambda module: seen.append(module.VALUE)
    )
    try:
        import whoop_compat_probe  # type: ignore[import-not-found]  # noqa: PLC0415

        assert whoop_compat_probe.VALUE == 1
        assert seen == [1]
        # Already imported: the callback runs at once.
        ha_2026_11._after_import(
            "whoop_compat_probe", lambda module: seen.append(module.VALUE + 1)
        )
        assert seen == [1, 2]
    finally:
        sys.modules.pop("whoop_compat_probe", None)
