"""Message templates as the sandbox's business account has them approved."""

from collections.abc import Mapping
from dataclasses import dataclass
import re
from typing import Final

_PLACEHOLDER: Final = re.compile(r"\{\{\s*(\w+)\s*\}\}")

STATUS_APPROVED: Final = "APPROVED"
STATUS_PAUSED: Final = "PAUSED"
STATUS_DISABLED: Final = "DISABLED"


@dataclass(slots=True)
class Template:
    """One template in one language.

    ``body`` and ``header`` use ``{{1}}``-style positional or ``{{name}}``-style named placeholders.
    ``status`` may be changed to ``PAUSED`` or ``DISABLED`` (or anything else: not approved).
    ``buttons`` are the texts of its quick-reply buttons, in order (index 0 first).
    """

    name: str
    language: str
    body: str
    header: str | None = None
    category: str = "UTILITY"
    status: str = STATUS_APPROVED
    buttons: tuple[str, ...] = ()

    @property
    def body_placeholders(self) -> tuple[str, ...]:
        """The body's placeholders, in order of first appearance."""
        return _placeholders(self.body)

    @property
    def header_placeholders(self) -> tuple[str, ...]:
        """The header's placeholders (a text header has at most one)."""
        return _placeholders(self.header or "")

    @property
    def named(self) -> bool:
        """Whether the template uses named parameters (``parameter_name`` required)."""
        return any(
            not name.isdigit()
            for name in (*self.body_placeholders, *self.header_placeholders)
        )

    def render(self, text: str, values: Mapping[str, str]) -> str:
        """Fill the placeholders of ``text`` (the body or the header) with ``values``."""
        return _PLACEHOLDER.sub(
            lambda match: values.get(match.group(1), match.group(0)), text
        )

    def to_graph(self, template_id: str) -> dict[str, object]:
        """Describe the template as Meta's ``GET /{waba_id}/message_templates`` does."""
        components: list[dict[str, object]] = []
        if self.header is not None:
            components.append({"type": "HEADER", "format": "TEXT", "text": self.header})
        components.append({"type": "BODY", "text": self.body})
        if self.buttons:
            components.append(
                {
                    "type": "BUTTONS",
                    "buttons": [
                        {"type": "QUICK_REPLY", "text": text} for text in self.buttons
                    ],
                }
            )
        return {
            "name": self.name,
            "parameter_format": "NAMED" if self.named else "POSITIONAL",
            "components": components,
            "language": self.language,
            "status": self.status,
            "category": self.category,
            "id": template_id,
        }

    def to_json(self) -> dict[str, object]:
        """Describe the template for the admin endpoints."""
        return {
            "name": self.name,
            "language": self.language,
            "category": self.category,
            "status": self.status,
            "header": self.header,
            "body": self.body,
            "parameter_format": "NAMED" if self.named else "POSITIONAL",
            "body_parameters": list(self.body_placeholders),
            "header_parameters": list(self.header_placeholders),
            "buttons": list(self.buttons),
        }


def _placeholders(text: str) -> tuple[str, ...]:
    return tuple(dict.fromkeys(match.group(1) for match in _PLACEHOLDER.finditer(text)))


ALERT_TEMPLATE: Final = "whoop_alert"
"""Approved utility template, ``en_US``, two positional body parameters: title and message."""
NAMED_ALERT_TEMPLATE: Final = "whoop_alert_named"
"""The same with named parameters ``title`` and ``message``."""
QUICK_REPLY_TEMPLATE: Final = "whoop_alert_quick_reply"
"""The alert template with two quick-reply buttons, ``OK`` and ``Snooze``."""


def default_templates() -> list[Template]:
    """Return the templates a fresh sandbox has approved."""
    return [
        Template(
            name=ALERT_TEMPLATE,
            language="en_US",
            body="WHOOP alert: {{1}}\n\n{{2}}\n\nSent by Home Assistant.",
        ),
        Template(
            name=NAMED_ALERT_TEMPLATE,
            language="en_US",
            body="WHOOP alert: {{title}}\n\n{{message}}\n\nSent by Home Assistant.",
        ),
        Template(
            name=QUICK_REPLY_TEMPLATE,
            language="en_US",
            body="WHOOP alert: {{1}}\n\n{{2}}",
            buttons=("OK", "Snooze"),
        ),
    ]
