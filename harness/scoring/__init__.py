"""Scoring: Beta posteriors per dimension, item difficulty, delivery records, comparisons.

Reads typed results through the store; never runs a grading job. May import harness.result,
the store and scenarios.
"""
