"""What the parts of the WhatsApp client share: the transport, the business number, one send."""

from collections.abc import Mapping

from ._transport import GraphTransport
from .const import MESSAGING_PRODUCT
from .models import SentMessage
from .phone_numbers import normalize_phone_number


class ClientBase:
    """The state every part of the client reads, and the request that sends a message."""

    _transport: GraphTransport
    _phone_number_id: str

    async def _send(
        self,
        to: str,
        message_type: str,
        content: Mapping[str, object],
        *,
        reply_to: str | None = None,
    ) -> SentMessage:
        payload: dict[str, object] = {
            "messaging_product": MESSAGING_PRODUCT,
            "recipient_type": "individual",
            "to": normalize_phone_number(to),
            "type": message_type,
            message_type: content,
        }
        if reply_to is not None:
            payload["context"] = {"message_id": reply_to}
        response = await self._transport.request(
            "POST", f"{self._phone_number_id}/messages", json=payload
        )
        return SentMessage.from_graph(response)
