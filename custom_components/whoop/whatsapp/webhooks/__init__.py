"""Meta's webhooks of a WhatsApp sender: the endpoint, its Configure dialog, receipts and inbound messages."""
