"""Benchmarks of the WHOOP integration, run by ``script/bench`` (kept out of ``script/test``)."""
