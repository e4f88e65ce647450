"""The aiohttp application of the Graph sandbox, mounted by the sandbox under ``/graph``."""

import asyncio
from collections.abc import AsyncIterator
import contextlib

from aiohttp import web

from .admin import add_admin_routes
from .api import GRAPH_KEY, add_api_routes
from .state import GraphSandbox


def create_graph_app(graph: GraphSandbox) -> web.Application:
    """Return the Graph API application serving ``graph``'s state.

    Serves ``/{version}/...`` (any ``vNN.0``) like ``graph.facebook.com``, and the admin endpoints
    under ``/_sandbox/``. While served, it posts due webhooks by itself (see ``WebhookOutbox``).
    """
    app = web.Application()
    app[GRAPH_KEY] = graph
    add_api_routes(app)
    add_admin_routes(app)
    app.cleanup_ctx.append(_deliver_webhooks)
    return app


async def _deliver_webhooks(app: web.Application) -> AsyncIterator[None]:
    task = asyncio.create_task(app[GRAPH_KEY].webhooks.deliver_forever())
    yield
    task.cancel()
    with contextlib.suppress(asyncio.CancelledError):
        await task
