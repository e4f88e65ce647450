"""The HTML page listing what the Graph sandbox delivered, newest first, for people and browser tests.

Below the listing, one conversation per person, oldest first, with plain forms (no script) to act as
that person: reply, send a photo, tap a button, read. Element ids are stable for browser tests:
``conversation-<wa_id>``, ``reply-text-<wa_id>``, ``reply-send-<wa_id>``, ``image-send-<wa_id>``,
``read-<n>`` and ``tap-<n>-<i>`` (``n``: the message's 1-based position in the sent messages, ``i``:
the button's 0-based index); ``write-from``, ``write-text``, ``write-send`` start a conversation.
"""

from html import escape
from typing import Final

from .models import InboundMessage, ReceivedMessage
from .state import GraphSandbox

_STYLE: Final = """
body { font-family: system-ui, sans-serif; margin: 2rem; color: #1b1b1b; }
table { border-collapse: collapse; width: 100%; }
th, td { border-bottom: 1px solid #ddd; padding: .5rem; text-align: left; vertical-align: top; }
th { background: #f3f3f3; }
.text { white-space: pre-wrap; }
.meta { color: #666; font-size: .85em; }
.conversation { border: 1px solid #ddd; border-radius: .5rem; margin: 1rem 0; padding: .5rem 1rem; }
.conversation ol { list-style: none; padding: 0; }
.turn { margin: .5rem 0; padding: .5rem; border-radius: .5rem; max-width: 40rem; }
.turn.sent { background: #e7f7e7; }
.turn.received { background: #eef2ff; margin-left: 4rem; }
.turn form { display: inline; }
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
<h2>Conversations</h2>
{_write_form()}
{_conversations(graph)}
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


def _write_form() -> str:
    return (
        '<form id="write" method="post" action="messages/reply">'
        '<label for="write-from">Write as</label> '
        '<input id="write-from" name="from" placeholder="+4915123456789" required> '
        '<label for="write-name">name</label> '
        '<input id="write-name" name="name" placeholder="Sandbox Person"> '
        '<label for="write-text">text</label> '
        '<input id="write-text" name="text" required> '
        '<button id="write-send" type="submit">Send as this person</button></form>'
    )


def _conversations(graph: GraphSandbox) -> str:
    positions = {
        message.message_id: position
        for position, message in enumerate(graph.messages, start=1)
    }
    sections = []
    for wa_id in graph.correspondents():
        turns = "\n".join(
            _turn(graph, message, positions) for message in graph.conversation(wa_id)
        )
        window = "open" if graph.window_open(wa_id) else "closed"
        sections.append(
            f'<section class="conversation" id="conversation-{wa_id}" data-wa-id="{wa_id}">'
            f'<h3>+{wa_id} <span class="meta window">24-hour window {window}</span></h3>'
            f"<ol>\n{turns}\n</ol>{_reply_forms(wa_id)}</section>"
        )
    return "\n".join(sections)


def _turn(
    graph: GraphSandbox,
    message: ReceivedMessage | InboundMessage,
    positions: dict[str, int],
) -> str:
    time = f'<time datetime="{message.at.isoformat()}">{message.at:%H:%M:%S}</time>'
    if isinstance(message, InboundMessage):
        return (
            f'<li class="turn received" data-message-id="{escape(message.message_id)}" '
            f'data-type="{escape(message.type)}">{time} '
            f'<span class="text">{escape(message.summary)}</span></li>'
        )
    status = graph.status_of(message.message_id) or ""
    actions = ""
    position = positions.get(message.message_id)
    if position is not None:
        actions = "".join(
            _tap_form(message.message_id, position, index, button.id, button.title)
            for index, button in enumerate(message.buttons)
        )
        if status != "read":
            actions += (
                '<form method="post" action="messages/read">'
                f'<input type="hidden" name="message_id" value="{escape(message.message_id)}">'
                f'<button id="read-{position}" type="submit">Read</button></form>'
            )
    return (
        f'<li class="turn sent" data-message-id="{escape(message.message_id)}" '
        f'data-type="{escape(message.type)}" data-status="{escape(status)}">{time} '
        f'<span class="text">{escape(message.summary)}</span> '
        f'<span class="meta status">{escape(status)}</span> {actions}</li>'
    )


def _tap_form(
    message_id: str, position: int, index: int, button_id: str, title: str
) -> str:
    return (
        '<form method="post" action="messages/tap">'
        f'<input type="hidden" name="message_id" value="{escape(message_id)}">'
        f'<input type="hidden" name="button" value="{escape(button_id)}">'
        f'<button id="tap-{position}-{index}" class="tap" type="submit">{escape(title)}</button></form>'
    )


def _reply_forms(wa_id: str) -> str:
    return (
        '<form class="reply" method="post" action="messages/reply">'
        f'<input type="hidden" name="from" value="+{wa_id}">'
        f'<label for="reply-text-{wa_id}">Reply as +{wa_id}</label> '
        f'<input id="reply-text-{wa_id}" name="text" required> '
        f'<button id="reply-send-{wa_id}" type="submit">Send reply</button></form> '
        '<form class="image" method="post" action="messages/image">'
        f'<input type="hidden" name="from" value="+{wa_id}">'
        f'<label for="image-caption-{wa_id}">caption</label> '
        f'<input id="image-caption-{wa_id}" name="caption"> '
        f'<button id="image-send-{wa_id}" type="submit">Send photo</button></form>'
    )
