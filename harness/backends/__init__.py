"""Execution backends: ``docker`` (isolated, the default) and ``local`` (unisolated)."""

from harness.backends.base import (
    Backend,
    ExecResult,
    Limits,
    Sandbox,
    SandboxSpec,
    backend_names,
    get_backend,
    register,
)

__all__ = ["Backend", "ExecResult", "Limits", "Sandbox", "SandboxSpec", "backend_names",
           "get_backend", "register"]
