"""Notify platform: one entity per WhatsApp recipient (see whatsapp/recipient_entity.py)."""

from .whatsapp.recipient_entity import PARALLEL_UPDATES, async_setup_entry

__all__ = ["PARALLEL_UPDATES", "async_setup_entry"]
