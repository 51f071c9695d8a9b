"""Benchmarks: scripts that print measured figures (tests never assert times)."""
