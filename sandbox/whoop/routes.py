"""Mounts the WHOOP part (API, OAuth, admin) on the sandbox's aiohttp application."""

from aiohttp import web

from .admin_routes import AdminRoutes
from .data_routes import DataRoutes
from .middleware import whoop_middleware
from .oauth_routes import OAuthRoutes
from .whoop_sandbox import WhoopSandbox


def add_whoop_routes(app: web.Application, whoop: WhoopSandbox) -> None:
    """Serve ``whoop`` at WHOOP's own paths, and its admin API under ``/_sandbox/``."""
    app.middlewares.append(whoop_middleware(whoop))
    app.add_routes(OAuthRoutes(whoop).routes())
    app.add_routes(DataRoutes(whoop).routes())
    app.add_routes(AdminRoutes(whoop).routes())
