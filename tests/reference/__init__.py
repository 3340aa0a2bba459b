"""Naive reference implementations: each model's formulas written as plain loops.

The vectorised models are checked against these (tests/models/) and timed
against them (benchmarks/). They live here, not in the package: nothing in
detente runs them.
"""
