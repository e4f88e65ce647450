"""Delivering messages to recipients: queues and pacing, composing, retries, and errors told plainly."""
