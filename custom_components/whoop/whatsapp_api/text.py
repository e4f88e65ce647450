"""Text rules of the Cloud API: template parameters are one line, messages at most 4096 characters."""

import re
from typing import Final
import unicodedata

TEXT_MAX_LENGTH: Final = 4096
"""The longest ``text.body`` Meta accepts."""

CAPTION_MAX_LENGTH: Final = 1024
"""The longest image or document caption Meta accepts."""

# A list marker at the start of a line, dropped when lines are joined into one.
_LIST_MARKER: Final = re.compile(r"^[-*•·]\s+")
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
    lines = (_LIST_MARKER.sub("", " ".join(line.split())) for line in text.splitlines())
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
        ValueError: ``limit`` is smaller than 1.
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
