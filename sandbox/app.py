"""The sandbox: one aiohttp application playing WHOOP at the root and Meta's Graph API under /graph."""

from dataclasses import dataclass
from html import escape

from aiohttp import web
from yarl import URL

from sandbox.clock import SandboxClock
from sandbox.graph import GraphSandbox, create_graph_app
from sandbox.whoop import (
    ALL_SCOPES,
    CLIENT_ID,
    CLIENT_SECRET,
    WhoopSandbox,
    add_whoop_routes,
)
from sandbox.whoop.authorize_page import AUTHORIZE_PATH
from sandbox.whoop.constants import DEFAULT_SEED, HISTORY_DAYS

GRAPH_PREFIX = "/graph"
GRAPH_MESSAGES_PAGE = f"{GRAPH_PREFIX}/_sandbox/messages"
DEMO_CALLBACK_PATH = "/_sandbox/oauth-callback"
MAX_REQUEST_BODY = 1024**2
"""Bodies read whole (forms, JSON) are refused above 1 MiB with 413; uploads are streamed."""


@dataclass(slots=True)
class Sandbox:
    """Everything a test needs: the shared clock, both API parts and, once served, the URL."""

    clock: SandboxClock
    whoop: WhoopSandbox
    graph: GraphSandbox
    url: str = ""
    """The base URL once served, e.g. ``http://127.0.0.1:54321``."""

    @property
    def graph_url(self) -> str:
        """The Graph API base URL: ``url + "/graph"``."""
        return f"{self.url}{GRAPH_PREFIX}"

    def authorize_url(
        self, redirect_uri: str, state: str = "sandbox-demo-state"
    ) -> str:
        """Return the authorize page's URL asking every scope, as an app sends a person there."""
        return authorize_url(self.url, redirect_uri, state)


def authorize_url(base_url: str, redirect_uri: str, state: str) -> str:
    """Return the URL of the authorize page of the sandbox at ``base_url``, asking every scope."""
    query = {
        "response_type": "code",
        "client_id": CLIENT_ID,
        "redirect_uri": redirect_uri,
        "scope": " ".join(ALL_SCOPES),
        "state": state,
    }
    return str(URL(base_url).with_path(AUTHORIZE_PATH).with_query(query))


SANDBOX_KEY = web.AppKey("sandbox", Sandbox)


def create_sandbox(
    clock: SandboxClock | None = None,
    *,
    seed: int = DEFAULT_SEED,
    history_days: int = HISTORY_DAYS,
) -> Sandbox:
    """Create both API parts on one clock (default: following the wall clock).

    Each member gets ``history_days`` of history (default about two years) unless the member
    says otherwise.
    """
    clock = clock or SandboxClock()
    return Sandbox(
        clock=clock,
        whoop=WhoopSandbox(clock, seed=seed, history_days=history_days),
        graph=GraphSandbox(clock),
    )


def create_app(sandbox: Sandbox) -> web.Application:
    """Return the application: WHOOP at WHOOP's paths, the Graph part mounted at ``/graph``."""
    app = web.Application(client_max_size=MAX_REQUEST_BODY)
    app[SANDBOX_KEY] = sandbox
    add_whoop_routes(app, sandbox.whoop)
    app.router.add_get("/", _index)
    app.router.add_get(DEMO_CALLBACK_PATH, _demo_callback)
    app.add_subapp(GRAPH_PREFIX, create_graph_app(sandbox.graph))
    return app


async def start_server(
    sandbox: Sandbox,
    host: str = "127.0.0.1",
    port: int = 0,
    public_url: str | None = None,
) -> web.AppRunner:
    """Serve the sandbox on ``host:port`` (0: a free port) and set ``sandbox.url``.

    The caller stops it with ``await runner.cleanup()``.
    """
    runner = web.AppRunner(create_app(sandbox), access_log=None)
    await runner.setup()
    site = web.TCPSite(runner, host, port)
    await site.start()
    bound_port = runner.addresses[0][1]
    sandbox.url = (public_url or f"http://{host}:{bound_port}").rstrip("/")
    return runner


async def _demo_callback(request: web.Request) -> web.Response:
    """Stand in for an app's redirect target: show what WHOOP sent back."""
    return web.json_response(dict(request.query))


async def _index(request: web.Request) -> web.Response:
    sandbox = request.app[SANDBOX_KEY]
    base = sandbox.url or str(request.url.origin())
    authorize = authorize_url(base, base + DEMO_CALLBACK_PATH, "sandbox-demo-state")
    links = [
        ("Authorize page (WHOOP consent, returns a code)", authorize),
        ("Clock", "/_sandbox/time"),
        ("Members", "/_sandbox/members"),
        ("Armed faults", "/_sandbox/faults"),
        ("Request log and counts", "/_sandbox/requests"),
        ("Webhook URL and deliveries", "/_sandbox/webhook"),
        ("WhatsApp messages sent through the Graph API", GRAPH_MESSAGES_PAGE),
    ]
    items = "".join(
        f'<li><a href="{escape(href)}">{escape(label)}</a></li>'
        for label, href in links
    )
    members = "".join(
        f"<li>{member.user_id}: {escape(member.first_name)} {escape(member.last_name)}"
        f" ({escape(member.timezone_offset)})</li>"
        for member in sandbox.whoop.members.values()
    )
    html = (
        '<!DOCTYPE html><html lang="en"><head><meta charset="utf-8"><title>Sandbox</title></head><body>'
        "<h1>WHOOP and WhatsApp sandbox</h1>"
        f"<p>Now: {escape(sandbox.clock.now().isoformat())}</p>"
        f"<p>WHOOP API base: <code>{escape(base)}/developer</code>; Graph API base: <code>{escape(base)}"
        f"{GRAPH_PREFIX}</code></p>"
        f"<p>Client id <code>{CLIENT_ID}</code>, client secret <code>{CLIENT_SECRET}</code></p>"
        f"<ul>{items}</ul><h2>Members</h2><ul>{members}</ul></body></html>"
    )
    return web.Response(text=html, content_type="text/html")
