"""Signing in to WHOOP: the OAuth2 implementation, the scopes, the token holder and refresher."""
