"""The sandbox bounds what it accepts: body sizes, clock jumps, token lifetimes, its own stores."""

from datetime import timedelta

import aiohttp
import pytest

from sandbox.app import Sandbox
from sandbox.whoop import CLIENT_ID, CLIENT_SECRET
from sandbox.whoop.tokens import TokenStore

from .conftest import JOHN_ID

TOKEN = "/oauth/oauth2/token"


async def test_oversize_token_form_is_refused_and_logged(
    sandbox: Sandbox, http: aiohttp.ClientSession
) -> None:
    form = {
        "grant_type": "refresh_token",
        "refresh_token": "x" * (2 * 1024**2),
        "client_id": CLIENT_ID,
        "client_secret": CLIENT_SECRET,
    }
    async with http.post(sandbox.url + TOKEN, data=form) as response:
        assert response.status == 413
    assert [logged.status for logged in sandbox.whoop.requests] == [413]
    assert sandbox.whoop.requests[0].form_fields == ()


async def test_oversize_admin_body_is_refused(
    sandbox: Sandbox, http: aiohttp.ClientSession
) -> None:
    async with http.post(
        f"{sandbox.url}/_sandbox/faults",
        json={"kind": "slow", "padding": "x" * (2 * 1024**2)},
    ) as response:
        assert response.status == 413
    assert sandbox.whoop.faults.armed == ()


@pytest.mark.parametrize(
    ("path", "body"),
    [
        ("/time", '{"now": "2040-01-01T00:00:00Z"}'),
        ("/time", '{"now": "2000-01-01T00:00:00"}'),
        ("/time/advance", '{"days": 2000}'),
        ("/time/advance", '{"days": Infinity}'),
        ("/time/advance", '{"days": NaN}'),
        ("/time/advance", '{"seconds": -1e300}'),
        (f"/members/{JOHN_ID}/tokens", '{"expires_in": 100000000000}'),
        (
            f"/members/{JOHN_ID}/tokens",
            '{"scopes": ["offline", "offline", "offline", "offline", "offline", "offline", "offline", "offline"]}',
        ),
    ],
)
async def test_admin_refuses_unbounded_values(
    sandbox: Sandbox, http: aiohttp.ClientSession, path: str, body: str
) -> None:
    before = sandbox.clock.now()
    async with http.post(
        f"{sandbox.url}/_sandbox{path}",
        data=body,
        headers={"Content-Type": "application/json"},
    ) as response:
        assert response.status == 400, await response.text()
    assert sandbox.clock.now() == before


async def test_admin_still_moves_the_clock_within_bounds(
    sandbox: Sandbox, http: aiohttp.ClientSession
) -> None:
    before = sandbox.clock.now()
    async with http.post(
        f"{sandbox.url}/_sandbox/time/advance", json={"days": 30}
    ) as response:
        assert response.status == 200
    assert sandbox.clock.now() - before == timedelta(days=30)


def test_token_store_forgets_expired_codes_and_tokens(sandbox: Sandbox) -> None:
    store = TokenStore(sandbox.clock)
    for _ in range(10_002):
        store.create_code(JOHN_ID, ["offline"], "https://example.invalid/cb")
        store.issue(JOHN_ID, ["read:cycles"], expires_in=60)
    sandbox.clock.advance(timedelta(hours=1))
    code = store.create_code(JOHN_ID, ["offline"], "https://example.invalid/cb")
    fresh = store.issue(JOHN_ID, ["read:cycles"])
    assert len(store._codes) == 1
    assert len(store._access) == 1
    assert store.authenticate(str(fresh["access_token"])) is not None
    assert store.exchange_code(code, "https://example.invalid/cb")["access_token"]
