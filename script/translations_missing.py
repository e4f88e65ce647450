"""Print the strings of en.json that a translation lacks, and the keys it has that en.json has not.

    script/translations-missing            every language
    script/translations-missing de fr      some of them
    script/run python script/translations_missing.py de

Each missing key comes with its English text, ready to translate. Exits 1 when anything is missing
or left over, 0 when every language has exactly the keys of en.json (tests/test_translations_complete.py
also checks the placeholders).
"""

import argparse
from collections.abc import Iterator
import json
from pathlib import Path
import sys

TRANSLATIONS = (
    Path(__file__).resolve().parent.parent
    / "custom_components"
    / "whoop"
    / "translations"
)


def strings(node: object, path: tuple[str, ...] = ()) -> Iterator[tuple[str, object]]:
    """Yield each leaf of a translation file as (dotted key path, value)."""
    if isinstance(node, dict):
        for key, value in node.items():
            yield from strings(value, (*path, str(key)))
    else:
        yield ".".join(path), node


def report(translations: Path, language: str) -> list[str]:
    """Return the lines that describe how one language differs from en.json in its keys."""
    english = dict(strings(json.loads((translations / "en.json").read_text())))
    file = translations / f"{language}.json"
    if not file.is_file():
        return [f"{language}: no {file.name}: all {len(english)} strings are missing"]
    translated = dict(strings(json.loads(file.read_text())))
    lines = [
        f"{language}: missing {key}: {json.dumps(english[key], ensure_ascii=False)}"
        for key in english
        if key not in translated
    ]
    lines += [
        f"{language}: not in en.json: {key}" for key in translated if key not in english
    ]
    return lines


def main(argv: list[str] | None = None) -> int:
    """Print what each asked language lacks; return 1 if any lacks or has too much."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument(
        "languages", nargs="*", help="language codes, e.g. de pt-BR (default: all)"
    )
    parser.add_argument(
        "--translations", type=Path, default=TRANSLATIONS, help=argparse.SUPPRESS
    )
    arguments = parser.parse_args(argv)
    folder: Path = arguments.translations
    languages = arguments.languages or sorted(
        file.stem for file in folder.glob("*.json") if file.stem != "en"
    )
    found = False
    for language in languages:
        lines = report(folder, language)
        found = found or bool(lines)
        print("\n".join(lines) if lines else f"{language}: nothing missing")
    return 1 if found else 0


if __name__ == "__main__":
    sys.exit(main())
