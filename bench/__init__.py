"""Benchmarks named by the issues; `make bench` runs them all and writes bench/results/."""
