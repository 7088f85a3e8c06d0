"""Backends by name: the built-in ``docker`` and ``local``, and any added with :func:`register`.

Built-in backends are imported only when asked for by name, so ``dsim --help`` never loads the
docker SDK, and no backend module imports this one (the registry points at the backends, never
back). Each :func:`get_backend` call makes a new backend with state of its own.
"""

from __future__ import annotations

from collections.abc import Callable

from harness.backends.base import Backend
from harness.errors import InvalidInput

Factory = Callable[[], Backend]


def _docker() -> Backend:
    from harness.backends.docker import DockerBackend

    return DockerBackend()


def _local() -> Backend:
    from harness.backends.local import LocalBackend

    return LocalBackend()


_FACTORIES: dict[str, Factory] = {"docker": _docker, "local": _local}


def register(name: str) -> Callable[[Factory], Factory]:
    """Make ``factory`` the backend called ``name`` (decorator)."""

    def wrap(factory: Factory) -> Factory:
        _FACTORIES[name] = factory
        return factory

    return wrap


def backend_names() -> list[str]:
    return sorted(_FACTORIES)


def get_backend(name: str) -> Backend:
    """A new backend called ``name``.

    Raises:
        InvalidInput: no backend has that name; the hint lists the known ones.
    """
    try:
        factory = _FACTORIES[name]
    except KeyError:
        raise InvalidInput(
            f"unknown backend {name!r}", hint=f"known backends: {', '.join(backend_names())}"
        ) from None
    return factory()
