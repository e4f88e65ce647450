"""Tests of the WHOOP API client library."""
