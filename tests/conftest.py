"""Fixtures shared by every test."""

pytest_plugins = ["sandbox.fixtures"]
