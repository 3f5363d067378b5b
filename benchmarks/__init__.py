"""Benchmarks of the pages that must stay fast at scale (see README.md and
docs/performance.md)."""
