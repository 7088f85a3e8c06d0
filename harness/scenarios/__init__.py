"""Scenarios: load and validate a scenario folder, draw a seeded variant, render its trees.

Owns the scenario format (manifest, file names, locations, patches). May import only
harness.errors; every other stage builds on it.
"""
