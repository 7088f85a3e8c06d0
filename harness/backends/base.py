"""The execution interface every backend implements (the registry by name is in ``registry``).

Contract of a :class:`Sandbox` (one fresh environment for one grading run):

- ``write_files(files, dest)`` puts files in before anything runs; they are owned by a user the run
  is not, and read-only to it. Raises :class:`~harness.errors.InfraError` when the engine fails.
- ``exec(argv, timeout=…)`` runs a command as the run's unprivileged user and returns an
  :class:`ExecResult`; output beyond the cap is drained and dropped, never buffered. A timeout, an
  OOM kill or a non-zero exit is a *result*, not an exception; only infrastructure failures raise
  ``InfraError``.
- ``read_file(path, max_bytes)`` returns at most ``max_bytes`` of a regular file, never following
  a symlink the run created; a missing file raises FileNotFoundError.
- ``exec`` and ``run`` take an optional :class:`Watch`: every chunk of standard output is handed
  to it as it arrives, and when the time its ``deadline()`` names passes, the command is killed
  and the result says ``stopped`` (the caller decides what the stop means; the watch runs on the
  host, out of the command's reach).
- ``run(timeout=…)`` runs the spec's ``command`` once, after the files are in: for a sandbox made
  for one command, its whole life (a backend may start the sandbox with it as its only process;
  whatever ends that process then ends the run, never an infrastructure error).
- ``cleanup()`` removes everything the sandbox made; it is idempotent and safe in ``finally``.

A :class:`Backend` makes sandboxes, resolves an :class:`ImageRecipe` to an :class:`Image`, and
removes what it made (``remove_live`` on an interrupt, ``remove_leftovers`` after dead processes);
each method's docstring says what it raises and guarantees. Grading and the CLI talk to this
interface only; a concrete backend is found by name (:mod:`harness.backends.registry`).
"""

from __future__ import annotations

from abc import ABC, abstractmethod
from collections.abc import Iterator, Mapping, Sequence
from contextlib import contextmanager
from dataclasses import dataclass, field
from types import TracebackType
from typing import Protocol

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
    stopped: bool = False
    """The :class:`Watch`'s deadline passed and the command was killed (not ``timed_out``)."""

    def __bool__(self) -> bool:
        return (
            self.returncode == 0 and not self.timed_out and not self.oom_killed
            and not self.stopped
        )  # fmt: skip


class Watch(Protocol):
    """Follows a command's standard output as it arrives and may stop the command early.

    ``feed`` is called from a reader thread with each chunk (in order); ``deadline`` is asked
    from another thread, often: it returns the monotonic time by which the command must be
    stopped, or None for no limit beyond the command's own timeout.
    """

    def feed(self, chunk: bytes) -> None: ...

    def deadline(self) -> float | None: ...


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
    def exec(
        self,
        argv: Sequence[str],
        *,
        timeout: float,
        env: Mapping[str, str] | None = None,
        watch: Watch | None = None,
    ) -> ExecResult: ...

    @abstractmethod
    def read_file(self, path: str, max_bytes: int) -> bytes: ...

    @abstractmethod
    def cleanup(self) -> None: ...

    def run(self, *, timeout: float, watch: Watch | None = None) -> ExecResult:
        """Start the sandbox and run ``spec.command`` in it once."""
        if not self.spec.command:
            raise ValueError("run() needs a SandboxSpec with a command")
        self.start()
        return self.exec(self.spec.command, timeout=timeout, watch=watch)

    def __enter__(self) -> Sandbox:
        return self

    def __exit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        tb: TracebackType | None,
    ) -> None:
        self.cleanup()


@dataclass(frozen=True, kw_only=True)
class ImageRecipe:
    """What a scenario's runs need from the environment they run in (and nothing else: no
    tests, no history, so an image can never leak them)."""

    name: str
    """Names the image: the scenario id (lowercase letters, digits and dashes)."""
    requirements: tuple[str, ...] = ()
    """Pinned pip requirements the runs import, in the scenario's order."""


@dataclass(frozen=True, kw_only=True)
class Image:
    """Where a recipe's runs execute, as :meth:`Backend.image_for` resolved it."""

    tag: str
    """What to put in :attr:`SandboxSpec.image`; empty for a backend without images."""
    python: str
    """The Python command inside the sandbox (a venv's when the recipe has requirements)."""


class Backend(ABC):
    """Makes sandboxes, resolves images and removes what it made. Found by name with
    :func:`~harness.backends.registry.get_backend`; everything a backend knows lives on its
    instance, never in module state, so two backends in one process share nothing."""

    name: str
    isolated: bool
    python: str
    """The Python command inside the sandbox."""

    @abstractmethod
    def sandbox(self, spec: SandboxSpec) -> Sandbox:
        """A fresh sandbox for ``spec`` (not started). The caller owns it and must call
        :meth:`Sandbox.cleanup` (or use it as a context manager).

        Raises:
            InfraError: the backend could not make it (engine down, image missing).
        """

    @abstractmethod
    def image_for(self, recipe: ImageRecipe) -> Image:
        """The image ``recipe``'s runs use, built now if it is missing (no output). Looked up
        once per backend: calling it for every submission costs nothing after the first.

        Raises:
            InfraError: the image could not be found or built.
        """

    @abstractmethod
    def remove_live(self) -> int:
        """Remove every sandbox this backend made that is not cleaned up yet, however far its
        run got, and return how many. A command cut off by this raises InfraError in its own
        thread, never a result. Meant for the interrupt path (Ctrl-C, SIGTERM turned into
        KeyboardInterrupt), while worker threads still run: it never waits for them, never
        deadlocks on them, and is idempotent; their later ``cleanup()`` is a no-op.

        Raises:
            InfraError: only when the engine cannot be reached at all (nothing was removed).
        """

    @abstractmethod
    def remove_leftovers(self) -> int:
        """Remove what killed processes left behind (labelled containers, stale folders) and
        return how many sandboxes that was. Never touches a live sandbox of this backend; it
        cannot tell another running dsim process's sandboxes from a dead one's, so it is run
        (``dsim cleanup``) when no other grading is.

        Raises:
            InfraError: the engine cannot be reached.
        """

    def check(self) -> None:  # noqa: B027 - optional hook; most backends are always ready
        """Raise InfraError with what to do when this backend cannot run now."""

    @contextmanager
    def warmed(self, spares: int) -> Iterator[dict[str, int]]:
        """While inside, :meth:`sandbox` may hand out sandboxes made ahead (up to ``spares`` per
        kind), each still used once; everything made ahead is removed on the way out. Yields
        counters (hits, misses, …), filled in when the block ends. A backend whose sandboxes
        are cheap ignores it."""
        yield {}
