"""The files HACS and hassfest read agree with each other and with the code."""

import json
from pathlib import Path
import re

from custom_components.whoop.const import DOMAIN

ROOT = Path(__file__).parent.parent
INTEGRATION = ROOT / "custom_components" / "whoop"
REQUIREMENTS = (ROOT / "requirements_test.txt").read_text()


def _load(path: Path) -> dict[str, object]:
    data: dict[str, object] = json.loads(path.read_text())
    return data


def test_manifest_keys_in_hassfest_order() -> None:
    manifest = _load(INTEGRATION / "manifest.json")
    keys = list(manifest)
    assert keys[:2] == ["domain", "name"]
    assert keys[2:] == sorted(keys[2:])


def test_manifest_has_what_a_custom_integration_needs() -> None:
    manifest = _load(INTEGRATION / "manifest.json")
    assert manifest["domain"] == DOMAIN == INTEGRATION.name
    assert manifest["name"] == "WHOOP"
    assert manifest["dependencies"] == ["application_credentials", "repairs", "webhook"]
    assert manifest["config_flow"] is True
    assert manifest["integration_type"] == "service"
    assert manifest["iot_class"] == "cloud_polling"
    assert re.fullmatch(r"\d+\.\d+\.\d+", str(manifest["version"]))
    for key in ("documentation", "issue_tracker"):
        assert str(manifest[key]).startswith("https://")
    assert manifest["codeowners"]
    assert "quality_scale" not in manifest


def test_hacs_names_the_home_assistant_we_test_against() -> None:
    hacs = _load(ROOT / "hacs.json")
    assert hacs["name"] == "WHOOP"
    # The test plugin pins the Home Assistant release we test; hacs.json may not claim older.
    assert "pytest-homeassistant-custom-component==0.13.375" in REQUIREMENTS
    assert str(hacs["homeassistant"]).startswith("2026.10")


def _translation_keys(node: object, prefix: str = "") -> set[str]:
    if not isinstance(node, dict):
        return {prefix}
    keys: set[str] = set()
    for key, value in node.items():
        keys |= _translation_keys(value, f"{prefix}.{key}" if prefix else key)
    return keys


def test_every_entity_translation_key_is_translated() -> None:
    from custom_components.whoop.whoop import (  # noqa: PLC0415
        binary_sensors as binary_sensor,
        events as event,
        sensors as sensor,
    )

    translations = _load(INTEGRATION / "translations" / "en.json")
    keys = _translation_keys(translations)
    for platform, descriptions in (
        ("sensor", sensor.SENSORS),
        ("binary_sensor", (binary_sensor.CALIBRATING,)),
        ("event", event.EVENTS),
    ):
        for description in descriptions:
            assert f"entity.{platform}.{description.translation_key}.name" in keys
    for option in sensor.RECOVERY_ZONES:
        assert f"entity.sensor.recovery_zone.state.{option}" in keys


def test_every_translated_exception_key_used_in_code_exists() -> None:
    translations = _load(INTEGRATION / "translations" / "en.json")
    exceptions = translations["exceptions"]
    assert isinstance(exceptions, dict)
    used = set()
    for source in INTEGRATION.rglob("*.py"):
        used |= set(re.findall(r'translation_key="([a-z_]+)"', source.read_text()))
    # The same argument names selector and entity translations; those have their own sections.
    others = _translation_keys(translations["entity"]) | _translation_keys(
        translations.get("selector", {})
    )
    missing = {
        key
        for key in used
        if key not in exceptions and not any(f".{key}." in f".{k}" for k in others)
    }
    assert not missing


def test_icons_cover_only_known_entities() -> None:
    icons = _load(INTEGRATION / "icons.json")
    translations = _load(INTEGRATION / "translations" / "en.json")
    entity_icons = icons["entity"]
    assert isinstance(entity_icons, dict)
    translated = translations["entity"]
    assert isinstance(translated, dict)
    for platform, keys in entity_icons.items():
        assert set(keys) <= set(translated[platform]), platform


def test_brand_icon_is_a_png() -> None:
    assert (INTEGRATION / "brand" / "icon.png").read_bytes().startswith(b"\x89PNG")
