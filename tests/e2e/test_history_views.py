"""History in the browser right after adding a WHOOP account (issue 12).

The member has 100 days of history in the sandbox. Once the import says complete, a dashboard with
statistics-graph cards of the last 90 days (recovery, heart rate variability) shows the imported
days, and the calendar view shows the sleeps and workouts. The dashboard is made through Home
Assistant's websocket API, as its editor would. Screenshots go to
``artifacts/screenshots/history-views/``.
"""

import asyncio
from datetime import UTC, datetime, timedelta
import re
from typing import Any, Final

import aiohttp
from playwright.async_api import BrowserContext, Page, expect
import pytest

from tests.e2e.conftest import RunningDemo
from tests.e2e.demo_home import websocket_call
from tests.e2e.test_a_persons_path import (
    SCREENSHOTS,
    Screenshots,
    add_whoop_account,
    browser,  # noqa: F401 - the fixture
    log_in,
)

HISTORY_DAYS: Final = 100
SHOWN_DAYS: Final = 90
IMPORT_SECONDS: Final = (
    300  # about 20 requests, paced at 20 a minute, with room for a 429
)
RECOVERY: Final = "sensor.john_smith_recovery"
HRV: Final = "sensor.john_smith_heart_rate_variability"
PROGRESS: Final = "sensor.john_smith_history_import"
DASHBOARD: Final = "whoop-history"


@pytest.fixture
def sandbox_arguments() -> list[str]:
    """Enough history for 90 days, and an import that ends within the test."""
    return ["--history-days", str(HISTORY_DAYS)]


async def _get(
    demo: RunningDemo, path: str, params: dict[str, str] | None = None
) -> Any:
    headers = {"Authorization": f"Bearer {demo.access_token}"}
    async with (
        asyncio.timeout(30),
        aiohttp.ClientSession() as session,
        session.get(
            f"{demo.home.url}{path}", headers=headers, params=params
        ) as response,
    ):
        assert response.status == 200, (path, await response.text())
        return await response.json()


async def wait_for_the_import(demo: RunningDemo) -> dict[str, Any]:
    """Until the History import sensor says complete (bounded)."""
    async with asyncio.timeout(IMPORT_SECONDS):
        while True:
            state = await _get(demo, f"/api/states/{PROGRESS}")
            assert state["attributes"]["status"] != "failed", state
            if state["attributes"]["status"] == "complete":
                return dict(state)
            await asyncio.sleep(2)


async def daily_statistics(demo: RunningDemo, statistic_id: str) -> list[Any]:
    rows = await websocket_call(
        demo.home,
        demo.access_token,
        "recorder/statistics_during_period",
        start_time=(datetime.now(UTC) - timedelta(days=SHOWN_DAYS)).isoformat(),
        statistic_ids=[statistic_id],
        period="day",
        types=["mean"],
    )
    return list(rows.get(statistic_id, []))


def graph_card(title: str, entity: str) -> dict[str, Any]:
    return {
        "type": "statistics-graph",
        "title": title,
        "entities": [entity],
        "days_to_show": SHOWN_DAYS,
        "period": "day",
        "stat_types": ["mean"],
        "chart_type": "line",
    }


async def make_the_dashboard(demo: RunningDemo) -> None:
    """A dashboard of two statistics graphs, as the dashboard editor saves it."""
    await websocket_call(
        demo.home,
        demo.access_token,
        "lovelace/dashboards/create",
        url_path=DASHBOARD,
        title="WHOOP history",
        icon="mdi:history",
        mode="storage",
        show_in_sidebar=True,
        require_admin=False,
    )
    await websocket_call(
        demo.home,
        demo.access_token,
        "lovelace/config/save",
        url_path=DASHBOARD,
        config={
            "title": "WHOOP history",
            "views": [
                {
                    "title": "Last 90 days",
                    "path": "last-90-days",
                    "cards": [
                        graph_card("Recovery, last 90 days", RECOVERY),
                        graph_card("Heart rate variability, last 90 days", HRV),
                    ],
                }
            ],
        },
    )


async def see_the_dashboard(page: Page, demo: RunningDemo, shots: Screenshots) -> None:
    for statistic_id in (RECOVERY, HRV):
        rows = await daily_statistics(demo, statistic_id)
        # A mean for most days, from before the account was added: the import, not the sensor's
        # one day. Realistic days skip some: an unworn strap scores no recovery.
        assert len(rows) >= SHOWN_DAYS * 0.8, (statistic_id, len(rows))
    await make_the_dashboard(demo)
    await page.goto(f"{demo.home.url}/{DASHBOARD}/last-90-days")
    for title in ("Recovery, last 90 days", "Heart rate variability, last 90 days"):
        card = page.locator("hui-statistics-graph-card", has_text=title)
        await expect(card).to_be_visible()
        await expect(card.locator("ha-chart-base")).to_be_visible()
    # The charts draw after their data arrives; give them a moment to settle.
    await page.wait_for_timeout(2000)
    await shots.take(page, "dashboard-90-days")


async def see_the_calendar(page: Page, demo: RunningDemo, shots: Screenshots) -> None:
    calendars = await _get(demo, "/api/calendars")
    (calendar,) = [c for c in calendars if c["entity_id"].startswith("calendar.john")]
    now = datetime.now(UTC)
    events = await _get(
        demo,
        f"/api/calendars/{calendar['entity_id']}",
        {"start": (now - timedelta(days=14)).isoformat(), "end": now.isoformat()},
    )
    summaries = [event["summary"] for event in events]
    assert any(s.startswith("Sleep · ") for s in summaries), summaries
    assert any("strain" in s for s in summaries), summaries

    await page.goto(f"{demo.home.url}/calendar")
    await expect(page.get_by_text("Sleep · ").first).to_be_visible()
    await page.wait_for_timeout(1000)
    await shots.take(page, "calendar-month")
    # The month before: a whole month of imported nights and workouts.
    last_month = (now.replace(day=1) - timedelta(days=1)).strftime("%B %Y")
    await page.get_by_role("button", name=re.compile("^prev", re.IGNORECASE)).click()
    await expect(page.get_by_text(last_month)).to_be_visible()
    await expect(page.get_by_text("Sleep · ").first).to_be_visible()
    await page.wait_for_timeout(1000)
    await shots.take(page, "calendar-last-month")


async def test_the_history_shows_on_a_dashboard_and_in_the_calendar(
    demo: RunningDemo,
    browser: BrowserContext,  # noqa: F811 - the fixture imported above
) -> None:
    shots = Screenshots(SCREENSHOTS / "history-views")
    page = browser.pages[0] if browser.pages else await browser.new_page()
    try:
        await log_in(page, demo, shots)
        await add_whoop_account(page, demo, shots)
        await page.goto(f"{demo.home.url}/config/integrations/integration/whoop")
        progress = await wait_for_the_import(demo)
        assert progress["state"] == "100", progress
        await see_the_dashboard(page, demo, shots)
        await see_the_calendar(page, demo, shots)
    except Exception:
        await shots.take(page, "failure")
        raise
