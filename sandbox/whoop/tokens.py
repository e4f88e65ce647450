"""WHOOP's OAuth grants: authorization codes, access tokens and rotating refresh tokens.

Each authorization (or ``issue_tokens`` call) opens a grant. A refresh rotates the grant's tokens:
the new refresh and access tokens replace the old ones, which die at once, so a refresh token works
exactly once. As WHOOP documents, only a refresh that asks ``scope=offline`` gets a new refresh
token: without it the answer has an access token alone and the grant can never be refreshed again.
Revoking a member kills every grant of theirs.
"""

from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import datetime, timedelta
import itertools
import secrets

from sandbox.clock import SandboxClock

from .constants import (
    ACCESS_TOKEN_LIFETIME_SECONDS,
    AUTHORIZATION_CODE_LIFETIME_SECONDS,
    SCOPE_OFFLINE,
)

INVALID_GRANT = "invalid_grant"
_PURGE_ABOVE = 10_000
"""Past this many codes or access tokens, the expired ones are forgotten (a bounded store)."""


class OAuthError(Exception):
    """An OAuth error answered by the token endpoint as ``{"error": ..., "error_description": ...}``."""

    def __init__(self, error: str, description: str, status: int = 400) -> None:
        """Keep the OAuth error code, a human description and the HTTP status."""
        super().__init__(description)
        self.error = error
        self.description = description
        self.status = status


@dataclass(frozen=True, slots=True)
class AccessToken:
    """What a valid access token grants."""

    user_id: int
    scopes: frozenset[str]
    expires_at: datetime
    grant_id: int


@dataclass(slots=True)
class _Grant:
    """One member's consent to the app, and the live tokens it currently has."""

    grant_id: int
    user_id: int
    scopes: frozenset[str]
    expires_in: int
    access_tokens: set[str] = field(default_factory=set)
    refresh_token: str | None = None
    revoked: bool = False


@dataclass(frozen=True, slots=True)
class _AuthorizationCode:
    user_id: int
    scopes: frozenset[str]
    redirect_uri: str
    expires_at: datetime


def format_scopes(scopes: Iterable[str]) -> str:
    """Return scopes as OAuth's space-separated string, in a stable order."""
    return " ".join(sorted(scopes))


class TokenStore:
    """Authorization codes, grants and tokens, timed by the sandbox clock."""

    def __init__(self, clock: SandboxClock) -> None:
        """Create an empty store that expires tokens by ``clock``."""
        self._clock = clock
        self._grant_ids = itertools.count(1)
        self._grants: dict[int, _Grant] = {}
        self._codes: dict[str, _AuthorizationCode] = {}
        self._access: dict[str, AccessToken] = {}
        self._refresh: dict[str, int] = {}

    def create_code(
        self, user_id: int, scopes: Iterable[str], redirect_uri: str
    ) -> str:
        """Return a new single-use authorization code for ``user_id``."""
        code = secrets.token_urlsafe(32)
        if len(self._codes) > _PURGE_ABOVE:
            now = self._clock.now()
            self._codes = {
                key: value
                for key, value in self._codes.items()
                if value.expires_at > now
            }
        self._codes[code] = _AuthorizationCode(
            user_id=user_id,
            scopes=frozenset(scopes),
            redirect_uri=redirect_uri,
            expires_at=self._clock.now()
            + timedelta(seconds=AUTHORIZATION_CODE_LIFETIME_SECONDS),
        )
        return code

    def exchange_code(self, code: str, redirect_uri: str) -> dict[str, object]:
        """Spend ``code`` (once) and return the token response of a new grant."""
        authorization = self._codes.pop(code, None)
        if authorization is None or authorization.expires_at <= self._clock.now():
            description = "The authorization code is invalid, expired or already used."
            raise OAuthError(INVALID_GRANT, description)
        if authorization.redirect_uri != redirect_uri:
            description = "The redirect_uri does not match the authorization request."
            raise OAuthError(INVALID_GRANT, description)
        return self.issue(authorization.user_id, authorization.scopes)

    def issue(
        self,
        user_id: int,
        scopes: Iterable[str],
        expires_in: int = ACCESS_TOKEN_LIFETIME_SECONDS,
    ) -> dict[str, object]:
        """Open a grant for ``user_id`` and return its token response."""
        grant = _Grant(
            grant_id=next(self._grant_ids),
            user_id=user_id,
            scopes=frozenset(scopes),
            expires_in=expires_in,
        )
        self._grants[grant.grant_id] = grant
        return self._mint(grant)

    def refresh(self, refresh_token: str, *, offline: bool = True) -> dict[str, object]:
        """Rotate the grant of ``refresh_token``: new tokens, and the old ones die.

        ``offline`` says whether the request asked ``scope=offline``; without it no new refresh
        token is issued, so the grant's next refresh is impossible.
        """
        grant_id = self._refresh.pop(refresh_token, None)
        grant = self._grants.get(grant_id) if grant_id is not None else None
        if grant is None or grant.revoked:
            description = (
                "The refresh token is invalid, expired, revoked or already used."
            )
            raise OAuthError(INVALID_GRANT, description)
        for token in grant.access_tokens:
            self._access.pop(token, None)
        grant.access_tokens.clear()
        grant.refresh_token = None
        return self._mint(grant, with_refresh_token=offline)

    def _mint(
        self, grant: _Grant, *, with_refresh_token: bool = True
    ) -> dict[str, object]:
        access_token = secrets.token_urlsafe(32)
        if len(self._access) > _PURGE_ABOVE:
            self._forget_expired_access_tokens()
        self._access[access_token] = AccessToken(
            user_id=grant.user_id,
            scopes=grant.scopes,
            expires_at=self._clock.now() + timedelta(seconds=grant.expires_in),
            grant_id=grant.grant_id,
        )
        grant.access_tokens.add(access_token)
        response: dict[str, object] = {
            "access_token": access_token,
            "expires_in": grant.expires_in,
        }
        if with_refresh_token and SCOPE_OFFLINE in grant.scopes:
            grant.refresh_token = secrets.token_urlsafe(32)
            self._refresh[grant.refresh_token] = grant.grant_id
            response["refresh_token"] = grant.refresh_token
        # An answer without a refresh token does not claim the offline scope.
        response["scope"] = format_scopes(
            grant.scopes
            if "refresh_token" in response
            else grant.scopes - {SCOPE_OFFLINE}
        )
        response["token_type"] = "bearer"  # noqa: S105 - the token type, not a secret
        return response

    def _forget_expired_access_tokens(self) -> None:
        now = self._clock.now()
        for token, granted in list(self._access.items()):
            if granted.expires_at <= now:
                del self._access[token]
                self._grants[granted.grant_id].access_tokens.discard(token)

    def authenticate(self, access_token: str) -> AccessToken | None:
        """Return what ``access_token`` grants, or None when it is unknown, expired or revoked."""
        token = self._access.get(access_token)
        if (
            token is None
            or token.expires_at <= self._clock.now()
            or self._grants[token.grant_id].revoked
        ):
            return None
        return token

    def revoke_user(self, user_id: int) -> int:
        """Revoke every grant of ``user_id`` (their tokens stop working); return how many."""
        revoked = 0
        for grant in self._grants.values():
            if grant.user_id == user_id and not grant.revoked:
                grant.revoked = True
                revoked += 1
        return revoked

    def is_revoked(self, user_id: int) -> bool:
        """Whether ``user_id`` had grants and every one is revoked (WHOOP then sends no webhooks)."""
        grants = [grant for grant in self._grants.values() if grant.user_id == user_id]
        return bool(grants) and all(grant.revoked for grant in grants)
