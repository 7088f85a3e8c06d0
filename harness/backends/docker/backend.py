"""The ``docker`` backend: makes hardened sandboxes, resolves images, removes what it left.

Each :class:`DockerBackend` owns one :class:`~harness.backends.docker.runtime.DockerRuntime` and
hands it to every sandbox it makes, so all it knows (client, images found, live containers, uids
in use) lives on that instance: ``remove_live`` removes exactly the containers this backend made
and has not removed, and a second backend (another test, another batch) shares none of it.
"""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import replace
from typing import Any

from harness.backends.base import Backend, Image, ImageRecipe, Sandbox, SandboxSpec
from harness.backends.docker.cleanup import remove_dead_workers, remove_labelled
from harness.backends.docker.engine import api_errors
from harness.backends.docker.runtime import DockerRuntime
from harness.backends.docker.sandbox import DockerSandbox
from harness.backends.pool import WarmPool


class DockerBackend(Backend):
    name = "docker"
    isolated = True
    python = "python3"

    def __init__(self, runtime: DockerRuntime | None = None) -> None:
        self.runtime = runtime or DockerRuntime()
        self._cli: Any = None
        self._pool: WarmPool | None = None
        self._image_ids: dict[str, str] = {}

    @property
    def cli(self) -> Any:
        """The engine's client, pinged once for this backend (raises InfraError)."""
        if self._cli is None:
            self._cli = self.runtime.client()
        return self._cli

    def check(self) -> None:
        _ = self.cli

    def image_for(self, recipe: ImageRecipe) -> Image:
        ref = self.runtime.images.ensure(recipe)
        return Image(tag=ref.tag, python=ref.python)

    def sandbox(self, spec: SandboxSpec) -> Sandbox:
        pool = self._pool
        box = pool.take(spec) if pool is not None else None
        if isinstance(box, DockerSandbox):
            box.assign(spec)
            return box
        return DockerSandbox(spec, runtime=self.runtime, cli=self.cli)

    def remove_live(self) -> int:
        return self.runtime.live.remove_all(lambda: self._cli or self.runtime.client())

    def remove_leftovers(self) -> int:
        return remove_labelled(self.cli, self.runtime.copy_in, self.runtime.live)

    def remove_dead_workers(self, host: str) -> int:
        """Remove the containers of this host's queue workers that died (SIGKILL, a crash);
        live workers' containers stay. Returns how many were removed."""
        return remove_dead_workers(self.cli, host)

    @contextmanager
    def warmed(self, spares: int) -> Iterator[dict[str, int]]:
        """Containers created and started ahead, in background threads, while other runs use the
        CPUs (create and start are ~40 % of a run's wall time). They carry the ``dsim.warm``
        label instead of the run's labels (labels cannot change after creation)."""
        if self._pool is not None:  # nested: the outer block owns the pool
            yield {}
            return
        counters: dict[str, int] = {}
        self._pool = WarmPool(self._make_started, self._warm_key, spares=spares)
        try:
            yield counters
        finally:
            pool, self._pool = self._pool, None
            pool.close()
            counters.update(pool.stats())

    def _warm_key(self, spec: SandboxSpec) -> tuple[object, ...]:
        """What a container is made from: image id (tags of one image share containers) and
        the limits fixed at creation (the timeout is per command)."""
        image = self._image_ids.get(spec.image)
        if image is None:
            try:
                image = self.cli.images.get(spec.image).id
            except api_errors():
                image = spec.image  # creating will say what is wrong
            self._image_ids[spec.image] = image
        lim = spec.limits
        return (image, lim.memory_mb, lim.cpus, lim.pids, lim.tmpfs_mb)

    def _make_started(self, spec: SandboxSpec) -> Sandbox:
        box = DockerSandbox(
            replace(spec, labels={"dsim.warm": "1"}, command=()), runtime=self.runtime, cli=self.cli
        )
        try:
            box.start()
        except BaseException:
            box.cleanup()
            raise
        return box
