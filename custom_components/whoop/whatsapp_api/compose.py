"""Composing message text within the Cloud API's limits.

Template parameters are one line and short enough for the template; texts longer than a message
are split into several.
"""

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
import re
from typing import Final
import unicodedata

from .exceptions import WhatsAppMessageError

TEXT_MAX_LENGTH: Final = 4096
"""The longest ``text.body`` Meta accepts."""

CAPTION_MAX_LENGTH: Final = 1024
"""The longest image or document caption Meta accepts."""

TEMPLATE_PARAMETER_MAX_LENGTH: Final = 1024
"""The longest body parameter of a template Meta accepts."""

TEMPLATE_BODY_MAX_LENGTH: Final = 1024
"""The longest template body, fixed text and parameters together (else error 132005)."""

TEMPLATE_HEADER_MAX_LENGTH: Final = 60
"""The longest text header of a template, parameter included."""

ELLIPSIS: Final = "…"

type TemplateParameters = Sequence[str] | Mapping[str, str]
"""Positional parameters (``{{1}}``, ``{{2}}``...) or named ones (``{{title}}``) by name."""

# When shortening, a cut at a space this close to the limit reads better than one inside a word.
_WORD_CUT_WINDOW: Final = 16

# List markers at the start of a line (or a marker alone), dropped when lines are joined.
_LIST_MARKER: Final = re.compile(r"^(?:[-*•·](?:\s+|$))+")
# After these a joined line reads well with a plain space; otherwise a middle dot separates lines.
_SENTENCE_END: Final = (".", "!", "?", ":", ";", "…")
_LINE_SEPARATOR: Final = " · "

_WHITESPACE_RUN: Final = re.compile(r"\s+")
_PARAGRAPH, _LINE, _WORD = 3, 2, 1
_PARAGRAPH_BREAKS: Final = (
    2  # line breaks in a whitespace run that make it a paragraph break
)
_ZERO_WIDTH_JOINER: Final = "\u200d"
_SKIN_TONES: Final = range(0x1F3FB, 0x1F400)
_EMOJI_TAGS: Final = range(0xE0020, 0xE0080)
_REGIONAL_INDICATORS: Final = range(0x1F1E6, 0x1F200)


def flatten_template_parameter(text: str) -> str:
    """Make text acceptable as a template parameter: one line, no tab, no run of spaces.

    Meta refuses a parameter with a newline, a tab or more than four spaces in a row. Lines are
    joined with a space after sentence punctuation and with `` · `` otherwise, list markers at the
    start of a line are dropped, and every other run of whitespace becomes one space.

    Args:
        text: Any text, e.g. a multi-line notification message.

    Returns:
        The text on one line, trimmed (empty when ``text`` holds only whitespace).
    """
    lines = [_LIST_MARKER.sub("", " ".join(line.split())) for line in text.splitlines()]
    if not any(lines):
        # Only markers, e.g. "-" for "no value": they are the text.
        return " ".join(text.split())
    flattened = ""
    for line in lines:
        if not line:
            continue
        if flattened:
            flattened += " " if flattened.endswith(_SENTENCE_END) else _LINE_SEPARATOR
        flattened += line
    return flattened


def split_text(text: str, limit: int = TEXT_MAX_LENGTH) -> list[str]:
    """Split text into messages of at most ``limit`` characters, losing nothing.

    Cuts go after a paragraph break, else after a line break, else between words, preferring the
    latest such place in the second half of a chunk; only a word longer than ``limit`` is cut
    inside, and never inside an emoji sequence or between a letter and its accents. The whitespace
    at a cut stays at the end of the earlier chunk, so ``"".join(split_text(text)) == text``.

    Args:
        text: The message.
        limit: The longest chunk, in characters.

    Returns:
        The chunks, in order (an empty list for an empty text).

    Raises:
        ValueError: ``limit`` is smaller than 1 (a programming error).
    """
    if limit < 1:
        msg = "limit must be at least 1"
        raise ValueError(msg)
    chunks: list[str] = []
    start = 0
    while len(text) - start > limit:
        cut = _cut_position(text, start, limit)
        chunks.append(text[start:cut])
        start = cut
    if start < len(text):
        chunks.append(text[start:])
    return chunks


def _cut_position(text: str, start: int, limit: int) -> int:
    end = start + limit
    best: dict[int, int] = {}
    for run in _WHITESPACE_RUN.finditer(text, start, end):
        if run.start() == start:
            continue  # cutting here would make a chunk of whitespace only
        breaks = run.group().count("\n")
        kind = _PARAGRAPH if breaks >= _PARAGRAPH_BREAKS else _LINE if breaks else _WORD
        best[kind] = run.end()
    # A boundary of a better kind wins when the chunk it ends is at least half full.
    for kind in (_PARAGRAPH, _LINE, _WORD):
        candidates = [
            position for boundary, position in best.items() if boundary >= kind
        ]
        if candidates and max(candidates) >= start + limit // 2:
            return max(candidates)
    if best:
        return max(best.values())
    return _safe_hard_cut(text, start, end)


def _safe_hard_cut(text: str, start: int, end: int) -> int:
    cut = end
    while cut > start + 1 and _inside_cluster(text, cut):
        cut -= 1
    # A single cluster longer than the limit has to be cut somewhere: cut it at the limit.
    return end if _inside_cluster(text, cut) else cut


def _inside_cluster(text: str, position: int) -> bool:
    """Whether a cut before ``text[position]`` would split what a reader sees as one character."""
    before, after = text[position - 1], text[position]
    if unicodedata.combining(after) or unicodedata.category(after) in {
        "Mn",
        "Me",
        "Mc",
    }:
        return True
    if _ZERO_WIDTH_JOINER in (before, after) or after in "\ufe0e\ufe0f":
        return True
    if ord(after) in _SKIN_TONES or ord(after) in _EMOJI_TAGS:
        return True
    if ord(before) in _REGIONAL_INDICATORS and ord(after) in _REGIONAL_INDICATORS:
        # Flags are pairs: a cut is safe only after an even number of indicators.
        count = 0
        while (
            position - count - 1 >= 0
            and ord(text[position - count - 1]) in _REGIONAL_INDICATORS
        ):
            count += 1
        return count % 2 == 1
    return False


@dataclass(frozen=True, slots=True)
class ComposedParameters:
    """Template parameters ready for the API, and which ones had to be shortened.

    Attributes:
        parameters: The ``parameters`` of a template component: ``{"type": "text", "text"}``,
            with ``parameter_name`` for named parameters.
        shortened: The positions (``"1"``, ``"2"``...) or names of the shortened parameters.
    """

    parameters: tuple[Mapping[str, str], ...]
    shortened: tuple[str, ...] = ()

    @property
    def texts(self) -> tuple[str, ...]:
        """The parameters' texts, in order."""
        return tuple(parameter["text"] for parameter in self.parameters)


def compose_template_parameters(
    parameters: TemplateParameters,
    *,
    fixed_text_length: int | None = None,
    parameter_limit: int = TEMPLATE_PARAMETER_MAX_LENGTH,
    total_limit: int = TEMPLATE_BODY_MAX_LENGTH,
) -> ComposedParameters:
    """Flatten template parameters and shorten them with "…" until they fit.

    Each parameter is flattened to one line (see :func:`flatten_template_parameter`) and cut to
    ``parameter_limit``. When the template's fixed text length is known, the longest parameters
    are cut further until fixed text and parameters together fit ``total_limit``.

    Args:
        parameters: A sequence for ``{{1}}``, ``{{2}}``..., a mapping for named placeholders.
        fixed_text_length: The template text's length without its placeholders, if known.
        parameter_limit: The longest one parameter may be.
        total_limit: The longest the filled-in text may be.

    Raises:
        WhatsAppMessageError: A parameter is empty once flattened, or the fixed text leaves no
            room for the parameters.
    """
    if isinstance(parameters, str):
        # A string is a sequence of one-letter parameters: certainly not what was meant.
        msg = "Template parameters are a list or a mapping of texts, not one text"
        raise TypeError(msg)
    named = isinstance(parameters, Mapping)
    items = (
        [(str(key), value) for key, value in parameters.items()]
        if isinstance(parameters, Mapping)
        else [(str(position), value) for position, value in enumerate(parameters, 1)]
    )
    texts: dict[str, str] = {}
    for key, value in items:
        texts[key] = flatten_template_parameter(value)
        if not texts[key]:
            msg = f"Template parameter {key} is empty"
            raise WhatsAppMessageError(msg)
    limits = dict.fromkeys(texts, parameter_limit)
    if fixed_text_length is not None:
        budget = total_limit - fixed_text_length
        if budget < len(texts) * len(ELLIPSIS):
            msg = (
                f"The template's fixed text leaves no room for {len(texts)} parameters"
            )
            raise WhatsAppMessageError(msg)
        limits = _share(texts, budget, parameter_limit)
    shortened = tuple(key for key, text in texts.items() if len(text) > limits[key])
    result = []
    for key, text in texts.items():
        parameter = {"type": "text", "text": shorten(text, limits[key])}
        if named:
            parameter["parameter_name"] = key
        result.append(parameter)
    return ComposedParameters(parameters=tuple(result), shortened=shortened)


def shorten(text: str, limit: int) -> str:
    """Return ``text`` cut to at most ``limit`` characters ending in "…" (unchanged if it fits).

    The cut goes at a space near the limit if there is one, and never inside an emoji sequence
    or between a letter and its accents.
    """
    if len(text) <= limit:
        return text
    if limit <= len(ELLIPSIS):
        return ELLIPSIS[:limit]
    end = limit - len(ELLIPSIS)
    space = text.rfind(" ", max(1, end - _WORD_CUT_WINDOW), end + 1)
    cut = space if space > 0 else _safe_hard_cut(text, 0, end)
    return text[:cut].rstrip() + ELLIPSIS


def _share(texts: Mapping[str, str], budget: int, limit: int) -> dict[str, int]:
    """Give each parameter its length or an equal share of what is left, shortest first."""
    limits: dict[str, int] = {}
    remaining = budget
    by_length = sorted(texts, key=lambda key: len(texts[key]))
    for index, key in enumerate(by_length):
        share = min(limit, remaining // (len(by_length) - index))
        limits[key] = min(len(texts[key]), share)
        remaining -= limits[key]
    return limits
