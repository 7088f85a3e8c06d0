"""Execution backends: ``docker`` (isolated, the default) and ``local`` (unisolated).

The bottom layer: modules here import only ``harness.errors``, ``harness.config`` and each other.
Everything above talks to :class:`Backend` and finds a backend by name with :func:`get_backend`.
"""

from types import ModuleType

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

__all__ = ["Backend", "ExecResult", "Image", "ImageRecipe", "Limits", "Sandbox", "SandboxSpec",
           "backend_names", "get_backend", "register"]


def __getattr__(name: str) -> ModuleType:
    # `harness.backends.images` moved to `harness.backends.docker.images`. The shared test
    # session fixture (tests/conftest.py, owned elsewhere) still imports it from here: this
    # keeps it working until it moves, then goes. Nothing in harness/ or graders/ uses it.
    if name == "images":
        from harness.backends.docker import images

        return images
    raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
