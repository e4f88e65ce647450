"""whoop.send_whatsapp_buttons: one to three buttons, titles of at most 20 characters."""

from typing import Any

from homeassistant.const import ATTR_ENTITY_ID
from homeassistant.core import HomeAssistant
import pytest

from custom_components.whoop.const import DOMAIN
from sandbox.graph import GraphSandbox
from tests.integration.whatsapp.conftest import ALICE, ALICE_ENTITY, SetUpMeta


async def _send_buttons(
    hass: HomeAssistant, buttons: list[dict[str, str]]
) -> dict[str, Any]:
    response = await hass.services.async_call(
        DOMAIN,
        "send_whatsapp_buttons",
        {
            ATTR_ENTITY_ID: ALICE_ENTITY,
            "message": "Skip today's workout?",
            "buttons": buttons,
        },
        blocking=True,
        return_response=True,
    )
    assert response is not None
    return response[ALICE_ENTITY]  # type: ignore[return-value]


async def test_three_buttons_with_titles_of_20_characters_go_out(
    hass: HomeAssistant, set_up_meta: SetUpMeta, graph: GraphSandbox
) -> None:
    meta = await set_up_meta()
    await meta.write(ALICE, "hi")
    buttons = [
        {"id": f"choice-{number}-" + "i" * 40, "title": f"{number}" + "t" * 19}
        for number in range(3)
    ]

    response = await _send_buttons(hass, buttons)

    [sent] = graph.messages_to(ALICE)
    assert response == {"message_id": sent.message_id}
    assert [(b.id, b.title) for b in sent.buttons] == [
        (b["id"], b["title"]) for b in buttons
    ]


@pytest.mark.parametrize(
    "buttons",
    [
        [{"id": "a", "title": "t" * 21}],
        [{"id": str(number), "title": str(number)} for number in range(4)],
    ],
    ids=["title-of-21", "four"],
)
async def test_a_title_of_21_characters_or_a_fourth_button_is_refused(
    hass: HomeAssistant,
    set_up_meta: SetUpMeta,
    graph: GraphSandbox,
    buttons: list[dict[str, str]],
) -> None:
    meta = await set_up_meta()
    await meta.write(ALICE, "hi")
    graph.requests.clear()

    with pytest.raises(Exception, match=r"button|title|length"):
        await _send_buttons(hass, buttons)

    # Refused here, before anything is sent: Meta never sees the attempt.
    assert graph.requests.to("messages") == []
