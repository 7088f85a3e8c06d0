"""The execution interface every backend implements, and the registry of backends by name.

Contract of a :class:`Sandbox` (one fresh environment for one grading run):

- ``write_files(files, dest)`` puts files in before anything runs; they are owned by a user the run
  is not, and read-only to it. Raises :class:`~harness.errors.InfraError` when the engine fails.
- ``exec(argv, timeout=…)`` runs a command as the run's unprivileged user and returns an
  :class:`ExecResult`; output beyond the cap is drained and dropped, never buffered. A timeout, an
  OOM kill or a non-zero exit is a *result*, not an exception; only infrastructure failures raise
  ``InfraError``.
- ``read_file(path, max_bytes)`` returns at most ``max_bytes`` of a regular file, never following
  a symlink the run created; a missing file raises FileNotFoundError.
- ``run(timeout=…)`` runs the spec's ``command`` once, after the files are in: for a sandbox made
  for one command, its whole life (a backend may start the sandbox with it as its only process;
  whatever ends that process then ends the run, never an infrastructure error).
- ``cleanup()`` removes everything the sandbox made; it is idempotent and safe in ``finally``.
"""

from __future__ import annotations

from abc import ABC, abstractmethod
from collections.abc import Callable, Iterator, Mapping, Sequence
from contextlib import contextmanager
from dataclasses import dataclass, field
from types import TracebackType

from harness.errors import InvalidInput

DEFAULT_OUTPUT_CAP = 4 * 1024 * 1024


@dataclass(frozen=True, kw_only=True)
class ExecResult:
    """What one command in a sandbox did."""

    returncode: int
    """Exit status; negative or 128+N when killed by signal N."""
    stdout: bytes
    """Standard output, at most the cap."""
    stderr: bytes
    """Standard error, at most the cap."""
    duration: float
    """Wall-clock seconds."""
    timed_out: bool = False
    """The command hit its deadline and was killed."""
    oom_killed: bool = False
    """A process of this run was killed for exceeding memory (even if the main one exited 0)."""
    truncated: bool = False
    """Output passed the cap and the rest was dropped."""
    start_seconds: float = 0.0
    """Of ``duration``, the time :meth:`Sandbox.run` spent starting the sandbox itself."""

    def __bool__(self) -> bool:
        return self.returncode == 0 and not self.timed_out and not self.oom_killed


@dataclass(frozen=True, kw_only=True)
class Limits:
    """Resource limits of one sandbox."""

    timeout_seconds: float = 120
    memory_mb: int = 512
    cpus: float = 1.0
    pids: int = 128
    tmpfs_mb: int = 64
    output_bytes: int = DEFAULT_OUTPUT_CAP


@dataclass(frozen=True, kw_only=True)
class SandboxSpec:
    """What a sandbox is made from."""

    image: str
    """Image to run (docker); ignored by the local backend."""
    limits: Limits = field(default_factory=Limits)
    labels: Mapping[str, str] = field(default_factory=dict)
    """Labels to find leftovers by (run id, submission id)."""
    command: tuple[str, ...] = ()
    """The one command :meth:`Sandbox.run` runs, from the sandbox's root; empty for sandboxes
    driven by :meth:`Sandbox.exec`."""


class Sandbox(ABC):
    """One fresh, disposable environment for one grading run."""

    spec: SandboxSpec
    isolated: bool
    root: str
    """Absolute path inside the sandbox where ``write_files`` destinations are rooted."""

    @abstractmethod
    def write_files(self, files: Mapping[str, bytes], dest: str) -> None: ...

    @abstractmethod
    def start(self) -> None: ...

    @abstractmethod
    def exec(self, argv: Sequence[str], *, timeout: float,
             env: Mapping[str, str] | None = None) -> ExecResult: ...

    @abstractmethod
    def read_file(self, path: str, max_bytes: int) -> bytes: ...

    @abstractmethod
    def cleanup(self) -> None: ...

    def run(self, *, timeout: float) -> ExecResult:
        """Start the sandbox and run ``spec.command`` in it once."""
        if not self.spec.command:
            raise ValueError("run() needs a SandboxSpec with a command")
        self.start()
        return self.exec(self.spec.command, timeout=timeout)

    def __enter__(self) -> Sandbox:
        return self

    def __exit__(self, exc_type: type[BaseException] | None, exc: BaseException | None,
                 tb: TracebackType | None) -> None:
        self.cleanup()


class Backend(ABC):
    """Makes sandboxes. Registered by name with :func:`register`."""

    name: str
    isolated: bool
    python: str
    """The Python command inside the sandbox."""

    @abstractmethod
    def sandbox(self, spec: SandboxSpec) -> Sandbox: ...

    def check(self) -> None:  # noqa: B027 - optional hook; most backends are always ready
        """Raise InfraError with what to do when this backend cannot run now."""

    @contextmanager
    def warmed(self, spares: int) -> Iterator[dict[str, int]]:
        """While inside, :meth:`sandbox` may hand out sandboxes made ahead (up to ``spares`` per
        kind), each still used once; everything made ahead is removed on the way out. Yields
        counters (hits, misses, …), filled in when the block ends. A backend whose sandboxes
        are cheap ignores it."""
        yield {}


_REGISTRY: dict[str, Callable[[], Backend]] = {}


def register(name: str) -> Callable[[Callable[[], Backend]], Callable[[], Backend]]:
    def wrap(factory: Callable[[], Backend]) -> Callable[[], Backend]:
        _REGISTRY[name] = factory
        return factory
    return wrap


def backend_names() -> list[str]:
    _load_builtins()
    return sorted(_REGISTRY)


def get_backend(name: str) -> Backend:
    """The backend called ``name``; an unknown name lists the known ones."""
    _load_builtins()
    try:
        factory = _REGISTRY[name]
    except KeyError:
        raise InvalidInput(f"unknown backend {name!r}",
                           hint=f"known backends: {', '.join(sorted(_REGISTRY))}") from None
    return factory()


def _load_builtins() -> None:
    from harness.backends import docker, local  # noqa: F401 - importing registers them
