"""Signing in to WHOOP: the OAuth2 implementation, the scopes, and the one holder of the tokens."""
