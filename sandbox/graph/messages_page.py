"""The HTML page listing what the Graph sandbox delivered, newest first, for people and browser tests."""

from html import escape
from typing import Final

from .models import ReceivedMessage
from .state import GraphSandbox

_STYLE: Final = """
body { font-family: system-ui, sans-serif; margin: 2rem; color: #1b1b1b; }
table { border-collapse: collapse; width: 100%; }
th, td { border-bottom: 1px solid #ddd; padding: .5rem; text-align: left; vertical-align: top; }
th { background: #f3f3f3; }
.text { white-space: pre-wrap; }
.meta { color: #666; font-size: .85em; }
"""


def render_messages_page(graph: GraphSandbox) -> str:
    """Return the page: one table row per received message, newest first."""
    number = graph.phone_numbers.get(graph.PHONE_NUMBER_ID)
    sender = f"{number.display_phone_number} ({number.verified_name})" if number else ""
    rows = "\n".join(_row(message) for message in reversed(graph.messages))
    listing = (
        '<p id="empty">No messages yet.</p>'
        if not graph.messages
        else (
            '<table id="messages">\n<thead><tr><th>Time (UTC)</th><th>To</th><th>Type</th>'
            "<th>Content</th><th>Reply to</th><th>Message id</th></tr></thead>\n"
            f"<tbody>\n{rows}\n</tbody>\n</table>"
        )
    )
    return f"""<!doctype html>
<html lang="en">
<head>
<meta charset="utf-8">
<title>WhatsApp sandbox: received messages</title>
<style>{_STYLE}</style>
</head>
<body>
<h1>Messages received by the WhatsApp sandbox</h1>
<p id="summary">{len(graph.messages)} message(s), newest first, sent from {escape(sender)}.
<a href="messages.json">JSON</a></p>
{listing}
</body>
</html>
"""


def _row(message: ReceivedMessage) -> str:
    return (
        f'<tr class="message" data-message-id="{escape(message.message_id)}" '
        f'data-to="{escape(message.to)}" data-type="{escape(message.type)}">'
        f'<td><time datetime="{message.at.isoformat()}">{message.at:%Y-%m-%d %H:%M:%S}</time></td>'
        f'<td class="to">{escape(message.to)}</td>'
        f'<td class="type">{escape(message.type)}</td>'
        f'<td class="content">{_content(message)}</td>'
        f'<td class="reply-to">{escape(message.reply_to or "")}</td>'
        f'<td class="meta">{escape(message.message_id)}</td></tr>'
    )


def _content(message: ReceivedMessage) -> str:
    match message.type:
        case "template":
            parameters = "".join(
                f"<li>{escape(value)}</li>"
                for value in (*message.header_parameters, *message.body_parameters)
            )
            return (
                f'<div class="template">{escape(message.template_name or "")} '
                f"({escape(message.template_language or '')})</div>"
                f'<div class="text">{escape(message.text or "")}</div>'
                f'<ol class="parameters meta">{parameters}</ol>'
            )
        case "image" | "document":
            if message.media_link:
                source = f'<a href="{escape(message.media_link)}">{escape(message.media_link)}</a>'
            else:
                source = f"uploaded media {escape(message.media_id or '')}"
            parts = [f'<div class="media">{source}</div>']
            if message.filename:
                parts.append(f'<div class="filename">{escape(message.filename)}</div>')
            if message.caption:
                parts.append(
                    f'<div class="text caption">{escape(message.caption)}</div>'
                )
            return "".join(parts)
        case _:
            return f'<div class="text">{escape(message.text or "")}</div>'
