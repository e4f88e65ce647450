"""Notify platform: one entity per WhatsApp recipient (see whatsapp/recipients/notify_entity.py)."""

from .whatsapp.recipients.notify_entity import PARALLEL_UPDATES, async_setup_entry

__all__ = ["PARALLEL_UPDATES", "async_setup_entry"]
