"""Tests of the WhatsApp side of the integration, against the sandbox's Graph API over HTTP."""
