"""Execution backends: ``docker`` (isolated, the default) and ``local`` (unisolated).

The bottom layer: modules here import only ``harness.errors``, ``harness.config`` and each other.
Everything above talks to :class:`Backend` and finds a backend by name with :func:`get_backend`.
"""

from harness.backends.base import (
    Backend,
    ExecResult,
    Image,
    ImageRecipe,
    Limits,
    Sandbox,
    SandboxSpec,
)
from harness.backends.registry import backend_names, get_backend, register

__all__ = [
    "Backend",
    "ExecResult",
    "Image",
    "ImageRecipe",
    "Limits",
    "Sandbox",
    "SandboxSpec",
    "backend_names",
    "get_backend",
    "register",
]
