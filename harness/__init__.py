"""dsim: onboarding delivery simulations graded in containers.

Public API: load scenarios, start and submit work, grade, score. The CLI (``harness.cli``) is a
thin layer over these functions.
"""

__version__ = "0.2.0"

__all__ = ["__version__"]
