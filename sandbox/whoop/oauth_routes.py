"""WHOOP's OAuth endpoints: the authorize (consent) page and the token endpoint."""

import base64
import binascii
from collections.abc import Mapping
import logging
from urllib.parse import unquote

from aiohttp import web
from multidict import MultiDictProxy
from yarl import URL

from .authorize_page import AUTHORIZE_PATH, render_authorize_page, render_error_page
from .constants import ALL_SCOPES, CLIENT_ID, CLIENT_SECRET, SCOPE_OFFLINE
from .faults import TOKEN_PATH
from .tokens import OAuthError
from .whoop_sandbox import WhoopSandbox

_LOGGER = logging.getLogger(__name__)

# Ory Hydra, which serves WHOOP's OAuth, refuses a state shorter than this as too weak.
MIN_STATE_LENGTH = 8
INVALID_CLIENT = "invalid_client"
INVALID_REQUEST = "invalid_request"
UNSUPPORTED_GRANT_TYPE = "unsupported_grant_type"


class OAuthRoutes:
    """Handlers of ``/oauth/oauth2/auth`` and ``/oauth/oauth2/token``."""

    def __init__(self, whoop: WhoopSandbox) -> None:
        """Serve OAuth for ``whoop``."""
        self._whoop = whoop

    def routes(self) -> list[web.RouteDef]:
        """Return the route table."""
        return [
            web.get(AUTHORIZE_PATH, self.authorize_page),
            web.post(AUTHORIZE_PATH, self.authorize_decision),
            web.post(TOKEN_PATH, self.token),
        ]

    async def authorize_page(self, request: web.Request) -> web.Response:
        """Show the consent page, or redirect back with an OAuth error."""
        query = request.query
        problem = _check_authorization_request(query, require_response_type=True)
        if isinstance(problem, web.Response):
            return problem
        return web.Response(
            text=render_authorize_page(
                members=self._whoop.members.values(),
                client_id=query["client_id"],
                redirect_uri=query["redirect_uri"],
                state=query["state"],
                requested_scopes=query.get("scope", "").split(),
            ),
            content_type="text/html",
        )

    async def authorize_decision(self, request: web.Request) -> web.Response:
        """Redirect back to the app with a code (Authorize) or ``error=access_denied`` (Deny)."""
        form = await request.post()
        fields = MultiDictProxy(form)
        as_text = {
            key: value for key, value in fields.items() if isinstance(value, str)
        }
        problem = _check_authorization_request(as_text, require_response_type=False)
        if isinstance(problem, web.Response):
            return problem
        redirect = URL(as_text["redirect_uri"])
        state = as_text["state"]
        if as_text.get("decision") != "authorize":
            return _redirect(redirect, error="access_denied", state=state)
        try:
            user_id = int(as_text.get("user_id", ""))
            self._whoop.member(user_id)
        except ValueError, KeyError:
            return _error_page("Choose a member to sign in as.")
        scopes = [
            value
            for value in fields.getall("scope", [])
            if isinstance(value, str) and value in ALL_SCOPES
        ]
        code = self._whoop.tokens.create_code(user_id, scopes, str(redirect))
        return _redirect(redirect, code=code, state=state)

    async def token(self, request: web.Request) -> web.Response:
        """Exchange a code or refresh token for tokens, as WHOOP's token endpoint does."""
        form = {
            key: value
            for key, value in (await request.post()).items()
            if isinstance(value, str)
        }
        try:
            _check_client(request, form)
            body = self._grant(form)
        except OAuthError as error:
            return web.json_response(
                {
                    "error": error.error,
                    "error_description": error.description,
                    "status_code": error.status,
                },
                status=error.status,
            )
        return web.json_response(
            body, headers={"Cache-Control": "no-store", "Pragma": "no-cache"}
        )

    def _grant(self, form: dict[str, str]) -> dict[str, object]:
        """Answer one grant (the client is already authenticated).

        Raises:
            OAuthError: the grant type is unsupported or its code or token is refused.
        """
        grant_type = form.get("grant_type")
        tokens = self._whoop.tokens
        if grant_type == "authorization_code":
            code = _required(form, "code")
            return tokens.exchange_code(code, _required(form, "redirect_uri"))
        if grant_type == "refresh_token":
            # WHOOP issues a new refresh token only to a refresh that asks scope=offline;
            # Home Assistant's default refresh sends no scope and so loses its sign-in next time.
            offline = SCOPE_OFFLINE in form.get("scope", "").split()
            _LOGGER.info("Refresh %s scope=offline", "with" if offline else "without")
            return tokens.refresh(_required(form, "refresh_token"), offline=offline)
        description = f"The grant type {grant_type!r} is not supported."
        raise OAuthError(UNSUPPORTED_GRANT_TYPE, description)


def _check_authorization_request(
    query: Mapping[str, str], *, require_response_type: bool
) -> web.Response | None:
    """Return the answer to a bad authorization request, or None when it is good."""
    if query.get("client_id") != CLIENT_ID:
        return _error_page("Unknown client: this app is not registered with WHOOP.")
    redirect_uri = query.get("redirect_uri", "")
    if not URL(redirect_uri).absolute:
        return _error_page("The redirect_uri is missing or not an absolute URL.")
    state = query.get("state", "")
    redirect = URL(redirect_uri)
    if require_response_type and query.get("response_type") != "code":
        return _redirect(redirect, error="unsupported_response_type", state=state)
    if len(state) < MIN_STATE_LENGTH:
        return _redirect(
            redirect,
            error="invalid_state",
            error_description=f"The state is missing or shorter than {MIN_STATE_LENGTH} characters.",
            state=state,
        )
    unknown = set(query.get("scope", "").split()) - set(ALL_SCOPES)
    if require_response_type and unknown:
        return _redirect(
            redirect,
            error="invalid_scope",
            error_description=f"Unknown scopes: {sorted(unknown)}",
            state=state,
        )
    return None


def _check_client(request: web.Request, form: dict[str, str]) -> None:
    """Check the client credentials, from HTTP Basic or the form body.

    Raises:
        OAuthError: ``invalid_client`` (401) when they are missing or wrong.
    """
    client_id, client_secret = form.get("client_id"), form.get("client_secret")
    authorization = request.headers.get("Authorization", "")
    if authorization.lower().startswith("basic "):
        try:
            decoded = base64.b64decode(authorization[6:], validate=True).decode()
        except binascii.Error, UnicodeDecodeError:
            decoded = ""
        basic_id, _, basic_secret = decoded.partition(":")
        client_id, client_secret = unquote(basic_id), unquote(basic_secret)
    if client_id != CLIENT_ID or client_secret != CLIENT_SECRET:
        description = "Client authentication failed."
        raise OAuthError(INVALID_CLIENT, description, status=401)


def _required(form: dict[str, str], name: str) -> str:
    value = form.get(name)
    if not value:
        description = f"The request is missing the {name} parameter."
        raise OAuthError(INVALID_REQUEST, description)
    return value


def _redirect(target: URL, **params: str) -> web.Response:
    location = target.update_query(params)
    return web.Response(status=302, headers={"Location": str(location)})


def _error_page(message: str) -> web.Response:
    return web.Response(
        status=400, text=render_error_page(message), content_type="text/html"
    )
