"""A local stand-in for WHOOP's API and Meta's Graph API, for development, demos and tests.

Not shipped to users. Run it with ``python -m sandbox``; tests use the ``sandbox`` fixture.
"""
