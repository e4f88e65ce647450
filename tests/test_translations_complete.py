"""Every translation has exactly the strings of en.json, with the same placeholders.

A translation that lacks a key shows English in its place; one with a key en.json lacks is dead
text; a placeholder that differs breaks the string where Home Assistant or the code fills it in
(the calendar's texts go through str.format). script/translations-missing lists what to add.
"""

from collections.abc import Iterator
import importlib.util
import json
from pathlib import Path
import re
import subprocess
import sys
from types import ModuleType

from homeassistant.core import HomeAssistant
from homeassistant.helpers import translation
import pytest

from custom_components.whoop.const import DOMAIN

ROOT = Path(__file__).parent.parent
TRANSLATIONS = ROOT / "custom_components" / "whoop" / "translations"
LANGUAGES = ("de", "es", "fr", "nl", "pt-BR")
HELPER = ROOT / "script" / "translations_missing.py"

# {name}-style placeholders and Home Assistant's references to shared strings.
PLACEHOLDER = re.compile(r"\{(\w+)\}")
REFERENCE = re.compile(r"\[%key:[^%\]]+%\]")
# What stays verbatim in every language: inline code (URLs, scopes, values to copy) and link targets.
CODE = re.compile(r"`[^`]+`")
LINK_TARGET = re.compile(r"\]\(([^)\s]+)\)")


def _no_duplicate_keys(pairs: list[tuple[str, object]]) -> dict[str, object]:
    keys = [key for key, _ in pairs]
    duplicates = sorted({key for key in keys if keys.count(key) > 1})
    if duplicates:
        message = f"duplicate keys {duplicates}"
        raise ValueError(message)
    return dict(pairs)


def _load(language: str) -> object:
    text = (TRANSLATIONS / f"{language}.json").read_text(encoding="utf-8")
    return json.loads(text, object_pairs_hook=_no_duplicate_keys)


def _leaves(node: object, path: str = "") -> Iterator[tuple[str, object]]:
    if isinstance(node, dict):
        for key, value in node.items():
            yield from _leaves(value, f"{path}.{key}" if path else key)
    else:
        yield path, node


def _branches(node: object, path: str = "") -> Iterator[str]:
    if isinstance(node, dict):
        yield path
        for key, value in node.items():
            yield from _branches(value, f"{path}.{key}" if path else key)


ENGLISH = _load("en")
ENGLISH_STRINGS = dict(_leaves(ENGLISH))


def _strings(language: str) -> dict[str, object]:
    return dict(_leaves(_load(language)))


def test_every_translation_file_is_one_of_the_checked_languages() -> None:
    # A new language must be added to LANGUAGES, so that it is checked too.
    files = {file.name for file in TRANSLATIONS.iterdir()}
    assert files == {"en.json"} | {f"{language}.json" for language in LANGUAGES}


def test_english_has_strings_and_references_are_checked() -> None:
    # Guards the walk itself: an empty walk would make every test below pass vacuously.
    assert len(ENGLISH_STRINGS) > 300
    assert all(isinstance(text, str) and text for text in ENGLISH_STRINGS.values())
    assert PLACEHOLDER.findall(ENGLISH_STRINGS["config.abort.wrong_account"]) == [
        "name",
        "name",
    ]
    assert REFERENCE.findall(
        "[%key:common::config_flow::abort::already_configured_account%]"
    )


@pytest.mark.parametrize("language", LANGUAGES)
def test_file_is_a_json_object_without_duplicate_keys(language: str) -> None:
    assert isinstance(_load(language), dict)


@pytest.mark.parametrize("language", LANGUAGES)
def test_nesting_is_the_nesting_of_english(language: str) -> None:
    assert sorted(_branches(_load(language))) == sorted(_branches(ENGLISH))


@pytest.mark.parametrize("language", LANGUAGES)
def test_no_string_of_english_is_missing(language: str) -> None:
    translated = _strings(language)
    missing = [key for key in ENGLISH_STRINGS if key not in translated]
    assert not missing, f"{language}.json lacks {missing}"


@pytest.mark.parametrize("language", LANGUAGES)
def test_no_key_that_english_lacks(language: str) -> None:
    extra = [key for key in _strings(language) if key not in ENGLISH_STRINGS]
    assert not extra, f"{language}.json has keys en.json lacks: {extra}"


@pytest.mark.parametrize("language", LANGUAGES)
def test_every_string_is_non_empty_text(language: str) -> None:
    bad = [
        key
        for key, text in _strings(language).items()
        if not isinstance(text, str) or not text.strip()
    ]
    assert not bad, f"{language}.json: not text or empty: {bad}"


def _differences(language: str, pattern: re.Pattern[str]) -> list[str]:
    found = []
    for key, text in _strings(language).items():
        english = ENGLISH_STRINGS.get(key)
        if not isinstance(english, str) or not isinstance(text, str):
            continue
        wanted, got = set(pattern.findall(english)), set(pattern.findall(text))
        if wanted != got:
            found.append(f"{key}: en {sorted(wanted)}, {language} {sorted(got)}")
    return found


@pytest.mark.parametrize("language", LANGUAGES)
def test_placeholders_are_those_of_english(language: str) -> None:
    differences = _differences(language, PLACEHOLDER)
    assert not differences, f"{language}.json: {differences}"


@pytest.mark.parametrize("language", LANGUAGES)
def test_references_are_those_of_english(language: str) -> None:
    differences = _differences(language, REFERENCE)
    assert not differences, f"{language}.json: {differences}"


@pytest.mark.parametrize("language", LANGUAGES)
def test_inline_code_and_link_targets_stay_verbatim(language: str) -> None:
    differences = _differences(language, CODE) + _differences(language, LINK_TARGET)
    assert not differences, f"{language}.json: {differences}"


@pytest.mark.parametrize("language", LANGUAGES)
def test_calendar_texts_format_with_the_values_the_calendar_gives(
    language: str,
) -> None:
    # The calendar formats these itself (str.format), with every placeholder of the English text.
    texts = _load(language)
    assert isinstance(texts, dict)
    for key, text in texts["selector"]["calendar_text"]["options"].items():
        english = ENGLISH_STRINGS[f"selector.calendar_text.options.{key}"]
        assert isinstance(english, str)
        values = dict.fromkeys(PLACEHOLDER.findall(english), "1")
        assert text.format(**values), key


def _helper() -> ModuleType:
    spec = importlib.util.spec_from_file_location("translations_missing", HELPER)
    assert spec is not None
    assert spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def test_helper_finds_nothing_missing_in_the_repository() -> None:
    result = subprocess.run(  # noqa: S603
        [sys.executable, str(HELPER)], capture_output=True, text=True, check=False
    )
    assert result.returncode == 0, result.stdout
    assert result.stdout.splitlines() == [
        f"{language}: nothing missing" for language in sorted(LANGUAGES)
    ]


def test_helper_lists_missing_and_extra_keys_with_the_english_text(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    (tmp_path / "en.json").write_text(
        json.dumps({"config": {"abort": {"a": "Gone: {error}", "b": "Kept"}}})
    )
    (tmp_path / "de.json").write_text(
        json.dumps({"config": {"abort": {"b": "Bleibt", "old": "Alt"}}})
    )
    helper = _helper()
    assert helper.main(["--translations", str(tmp_path)]) == 1
    assert capsys.readouterr().out.splitlines() == [
        'de: missing config.abort.a: "Gone: {error}"',
        "de: not in en.json: config.abort.old",
    ]
    assert helper.main(["--translations", str(tmp_path), "fr"]) == 1
    assert capsys.readouterr().out == "fr: no fr.json: all 2 strings are missing\n"


@pytest.mark.parametrize("language", LANGUAGES)
async def test_home_assistant_loads_the_translation(
    hass: HomeAssistant, enable_custom_integrations: None, language: str
) -> None:
    # The file name is the language code Home Assistant asks for (pt-BR, not pt_BR).
    found = await translation.async_get_translations(hass, language, "entity", {DOMAIN})
    texts = _load(language)
    assert isinstance(texts, dict)
    sensor = texts["entity"]["sensor"]["recovery_score"]["name"]
    assert sensor != ENGLISH_STRINGS["entity.sensor.recovery_score.name"]
    assert found[f"component.{DOMAIN}.entity.sensor.recovery_score.name"] == sensor
