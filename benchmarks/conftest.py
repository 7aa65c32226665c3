"""Benchmarks run with: python3 -m pytest benchmarks --benchmark-enable (see benchmarks/README.md)."""
