"""Scenarios: find them in installed packs, load and validate a scenario folder, draw a seeded
variant, render its trees.

Owns the scenario format (manifest, file names, locations, patches) and the library (every
installed pack, the built-in one included). May import only harness.errors and the package's
version; every other stage builds on it.
"""
