"""Fixtures shared by every test."""

# tests.compat: shims for newer Home Assistant releases (script/test --ha); a no-op on the pinned one.
pytest_plugins = ["sandbox.fixtures", "tests.compat"]
