"""Fixtures of the WHOOP account tests: Home Assistant pointed at the sandbox."""

from collections.abc import Iterable

import aiohttp
import pytest
from yarl import URL

from sandbox.whoop import ALL_SCOPES, JOHN


@pytest.fixture(autouse=True)
def whoop_at_sandbox(whoop_points_at_sandbox: None) -> None:
    """Every WHOOP test talks to the sandbox."""


async def authorize_on_sandbox(
    authorize_url: str,
    *,
    user_id: int = JOHN.user_id,
    scopes: Iterable[str] = ALL_SCOPES,
    decision: str = "authorize",
) -> URL:
    """Do what a person does on WHOOP's page: open it, pick, click; return the redirect."""
    async with aiohttp.ClientSession() as session:
        async with session.get(authorize_url) as page:
            assert page.status == 200
            assert "Authorize" in await page.text()
        query = URL(authorize_url).query
        form = aiohttp.FormData(
            [
                ("client_id", query["client_id"]),
                ("redirect_uri", query["redirect_uri"]),
                ("state", query["state"]),
                ("user_id", str(user_id)),
                *(("scope", scope) for scope in scopes),
                ("decision", decision),
            ]
        )
        async with session.post(
            URL(authorize_url).with_query(None), data=form, allow_redirects=False
        ) as answer:
            assert answer.status == 302
            return URL(answer.headers["Location"])
