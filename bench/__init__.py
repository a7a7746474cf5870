"""Benchmarks: `python -m bench` (or `make bench`) prints figures with same-run baselines."""
