"""The HTML of WHOOP's consent page as the sandbox plays it: pick a member, tick scopes, decide."""

from collections.abc import Iterable
from html import escape

from .constants import ALL_SCOPES
from .members import Member

_STYLE = """
body { font-family: system-ui, sans-serif; max-width: 34rem; margin: 3rem auto; padding: 0 1rem; }
fieldset { margin: 1rem 0; border: 1px solid #ccc; border-radius: .5rem; }
label { display: block; margin: .3rem 0; }
button { font-size: 1rem; padding: .5rem 1.2rem; margin-right: .5rem; }
.error { color: #a00; }
"""

AUTHORIZE_PATH = "/oauth/oauth2/auth"


def _page(title: str, content: str) -> str:
    return (
        f'<!DOCTYPE html><html lang="en"><head><meta charset="utf-8"><title>{escape(title)}</title>'
        f"<style>{_STYLE}</style></head><body><h1>{escape(title)}</h1>{content}</body></html>"
    )


def render_authorize_page(
    *,
    members: Iterable[Member],
    client_id: str,
    redirect_uri: str,
    state: str,
    requested_scopes: Iterable[str],
) -> str:
    """Return the consent page; its form posts back to the authorize URL."""
    requested = set(requested_scopes)
    member_choices = "".join(
        f'<label><input type="radio" name="user_id" value="{member.user_id}"{" checked" if index == 0 else ""}>'
        f" {escape(member.first_name)} {escape(member.last_name)} ({escape(member.email)})</label>"
        for index, member in enumerate(members)
    )
    scope_choices = "".join(
        f'<label><input type="checkbox" name="scope" value="{escape(scope)}"'
        f"{' checked' if scope in requested else ''}> {escape(scope)}</label>"
        for scope in ALL_SCOPES
    )
    hidden = "".join(
        f'<input type="hidden" name="{name}" value="{escape(value)}">'
        for name, value in (
            ("client_id", client_id),
            ("redirect_uri", redirect_uri),
            ("state", state),
        )
    )
    content = (
        f"<p>The app <strong>{escape(client_id)}</strong> asks to read your WHOOP data.</p>"
        f'<form method="post" action="{AUTHORIZE_PATH}">{hidden}'
        f"<fieldset><legend>Sign in as</legend>{member_choices}</fieldset>"
        f"<fieldset><legend>Allow access to</legend>{scope_choices}</fieldset>"
        '<button type="submit" name="decision" value="authorize">Authorize</button>'
        '<button type="submit" name="decision" value="deny">Deny</button>'
        "</form>"
    )
    return _page("WHOOP sandbox: authorize app", content)


def render_error_page(message: str) -> str:
    """Return an error page for a request that cannot be redirected back to the app."""
    return _page(
        "WHOOP sandbox: authorization error", f'<p class="error">{escape(message)}</p>'
    )
