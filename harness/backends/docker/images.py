"""Container images, built offline: a shared base image and thin per-scenario images.

Nothing is pulled at grading time. The base is either an image the user already has (configured
by name) or bootstrapped from Debian packages (debootstrap + import). A scenario image adds only the
recipe's pinned requirements (:class:`~harness.backends.base.ImageRecipe`), fetched as wheels on
the host once and installed with ``pip --no-index`` inside a build that has no network. Tags are
content hashes, so an unchanged recipe is never rebuilt. Hidden tests and git history never enter
any image: a recipe carries a name and requirements, nothing else.

What one runtime found or built is remembered by its :class:`Images` (a tag names the same image
for as long as the image exists); nothing is remembered process-wide.
"""

from __future__ import annotations

import hashlib
import io
import json
import os
import shutil
import subprocess
import sys
import tarfile
import tempfile
import threading
import time
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from harness.backends.base import ImageRecipe
from harness.backends.docker.cleanup import LABEL
from harness.backends.docker.engine import Engine
from harness.config import home
from harness.errors import InfraError

BASE_REPO = "dsim-base"
SCENARIO_REPO = "dsim-scenario"
SUITE = "bookworm"
PACKAGES = ("python3", "python3-pytest", "python3-pip", "python3-venv")
RECIPE_VERSION = "1"
VENV_PYTHON = "/opt/venv/bin/python"
VENV_RECIPE = "venv-without-pip"
"""How the requirements venv is made (part of the tag: a new recipe is a new image)."""
Progress = Callable[[str], None]


@dataclass(frozen=True, kw_only=True)
class ImageRef:
    """A built image and how to run Python in it."""

    tag: str
    python: str
    built: bool
    """True when this call built it, False when it already existed."""


def _short(text: str) -> str:
    return hashlib.sha256(text.encode()).hexdigest()[:16]


def base_tag(configured: str | None = None) -> str:
    if configured:
        return f"{BASE_REPO}:from-{_short(configured)}"
    return f"{BASE_REPO}:{_short(json.dumps([RECIPE_VERSION, SUITE, PACKAGES]))}"


def scenario_tag(recipe: ImageRecipe, base: str) -> str:
    reqs = list(recipe.requirements)
    key: list[Any] = [base, reqs, RECIPE_VERSION]
    if reqs:  # images without requirements are the base under another name: no recipe of theirs
        key.append(VENV_RECIPE)
    return f"{SCENARIO_REPO}-{recipe.name}:{_short(json.dumps(key))}"


LISTING_TTL = 5.0
"""Seconds one listing of dsim images answers "does this tag exist?" (``dsim images build`` asks
about every scenario: one call instead of one per tag)."""


class Images:
    """The images one runtime found or built, and how to make the missing ones."""

    def __init__(self, engine: Engine | None = None) -> None:
        self._engine = engine or Engine()
        self._lock = threading.Lock()
        self._listing: tuple[float, frozenset[str]] = (float("-inf"), frozenset())
        self._ready: dict[str, ImageRef] = {}
        """Scenario images found or built, by tag, until :meth:`forget` drops one."""

    def ensure(self, recipe: ImageRecipe) -> ImageRef:
        """The recipe's image, building what is missing without printing; looked up once per
        runtime (grading asks for every submission).

        Raises:
            InfraError: the engine is unreachable or a build failed.
        """
        configured = os.environ.get("DSIM_BASE_IMAGE") or None
        tag = scenario_tag(recipe, base_tag(configured))
        with self._lock:
            ref = self._ready.get(tag)
        if ref is None:
            made = self.build_scenario(recipe, progress=lambda _msg: None)
            with self._lock:
                ref = self._ready.setdefault(
                    made.tag, ImageRef(tag=made.tag, python=made.python, built=False)
                )
        return ref

    def forget(self, tag: str) -> None:
        """The engine says ``tag`` is missing: look it up (and build it) again next time."""
        with self._lock:
            self._ready.pop(tag, None)
            self._listing = (float("-inf"), frozenset())

    def build_base(self, progress: Progress = print, configured: str | None = None) -> ImageRef:
        """Build (or find) the base image: Python 3 with pytest and pip, a /dsim folder, no
        history. ``configured`` (else DSIM_BASE_IMAGE) names an image to start from instead of
        bootstrapping Debian.

        Raises:
            InfraError: the configured image is absent, debootstrap is missing or failed.
        """
        configured = configured or os.environ.get("DSIM_BASE_IMAGE") or None
        cli = self._engine.client()
        tag = base_tag(configured)
        if self._exists(cli, tag):
            return ImageRef(tag=tag, python="python3", built=False)
        if configured:
            if not self._exists(cli, configured):
                raise InfraError(
                    f"configured base image {configured} is not present",
                    hint="load it with `docker load` (dsim never pulls) or unset "
                    "DSIM_BASE_IMAGE to bootstrap one from Debian packages",
                )
            progress(f"tagging {configured} as {tag}")
            _tag_with_dsim_dir(cli, configured, tag)
        else:
            _bootstrap(cli, tag, progress)
        return ImageRef(tag=tag, python="python3", built=True)

    def build_scenario(
        self, recipe: ImageRecipe, progress: Progress = print, base: ImageRef | None = None
    ) -> ImageRef:
        """Build (or find) the image a recipe's runs use, on ``base`` (built when not given).

        Raises:
            InfraError: fetching wheels or building failed.
        """
        base = base or self.build_base(progress)
        cli = self._engine.client()
        tag = scenario_tag(recipe, base.tag)
        reqs = list(recipe.requirements)
        python = VENV_PYTHON if reqs else "python3"
        if self._exists(cli, tag):
            return ImageRef(tag=tag, python=python, built=False)
        if not reqs:
            # Nothing to add: the scenario image is the base under another name (0 bytes on disk).
            cli.images.get(base.tag).tag(*tag.split(":"))
            return ImageRef(tag=tag, python=python, built=True)
        wheels = wheel_cache() / _short(json.dumps(reqs))
        if not (wheels / ".complete").exists():
            progress(f"{recipe.name}: fetching wheels for {', '.join(reqs)}")
            fetch_wheels(reqs, wheels)
            (wheels / ".complete").write_text("ok\n")
        progress(f"{recipe.name}: building {tag} (offline)")
        quoted = " ".join(f"'{r}'" for r in reqs)
        dockerfile = (
            f"FROM {base.tag}\nCOPY wheels /tmp/wheels\n"
            # No pip of its own in the venv (about 20 MB): the base's pip installs into it.
            f"RUN python3 -m venv --system-site-packages --without-pip /opt/venv && "
            f"{VENV_PYTHON} -m pip install --no-index --find-links /tmp/wheels -q {quoted} && "
            f'rm -rf /tmp/wheels\nLABEL {LABEL}="scenario"\n'
        )
        _build(cli, tag, dockerfile, {"wheels": wheels})
        return ImageRef(tag=tag, python=python, built=True)

    def list_images(self) -> list[dict[str, Any]]:
        """Every dsim image: tag, short id, size in MB and kind (base or scenario)."""
        cli = self._engine.client()
        rows = []
        for image in cli.images.list(filters={"label": LABEL}):
            for tag in image.tags or [image.short_id]:
                rows.append(
                    {
                        "tag": tag,
                        "id": image.short_id,
                        "size_mb": round(image.attrs.get("Size", 0) / 1e6, 1),
                        "kind": image.labels.get(LABEL, ""),
                    }
                )
        return sorted(rows, key=lambda r: r["tag"])

    def prune(self, keep: set[str]) -> list[str]:
        """Remove dsim images whose tags are not in ``keep``; return the removed tags."""
        cli = self._engine.client()
        removed = []
        for row in self.list_images():
            if row["tag"] not in keep:
                try:
                    cli.images.remove(row["tag"])
                    removed.append(row["tag"])
                except Exception:  # noqa: BLE001, S112 - an image in use stays; best effort
                    continue
        return removed

    def _exists(self, cli: Any, tag: str) -> bool:
        from docker.errors import ImageNotFound

        if tag in self._dsim_tags(cli):
            return True
        try:  # not a dsim image (a configured base) or made since the listing: ask for it
            cli.images.get(tag)
            return True
        except ImageNotFound:
            return False

    def _dsim_tags(self, cli: Any) -> frozenset[str]:
        """Tags of every dsim image, from one listing shared for :data:`LISTING_TTL`."""
        with self._lock:
            taken, tags = self._listing
        if time.monotonic() - taken >= LISTING_TTL:
            rows = cli.api.images(filters={"label": LABEL})
            tags = frozenset(t for row in rows for t in (row.get("RepoTags") or ()))
            with self._lock:
                self._listing = (time.monotonic(), tags)
        return tags


def build_base(progress: Progress = print, configured: str | None = None) -> ImageRef:
    """:meth:`Images.build_base` with a client of its own, for a caller that holds no runtime
    (the test session's base image)."""
    return Images().build_base(progress, configured)


def _mirror() -> str:
    return os.environ.get("DSIM_DEBIAN_MIRROR", "http://deb.debian.org/debian")


def _bootstrap(cli: Any, tag: str, progress: Progress) -> None:
    """Make the base image from Debian packages: debootstrap, trim, import as ``tag``."""
    if shutil.which("debootstrap") is None:
        raise InfraError(
            "debootstrap is not installed",
            hint="apt-get install -y debootstrap, or set DSIM_BASE_IMAGE to an "
            "image you already have that has python3 and pytest",
        )
    with tempfile.TemporaryDirectory(prefix="dsim-rootfs-") as tmp:
        rootfs = Path(tmp) / "rootfs"
        progress(f"bootstrapping Debian {SUITE} with {', '.join(PACKAGES)} (about a minute)")
        proc = subprocess.run(
            [
                "debootstrap",
                "--variant=minbase",
                f"--include={','.join(PACKAGES)}",
                SUITE,
                str(rootfs),
                _mirror(),
            ],
            capture_output=True,
            check=False,
        )
        if proc.returncode != 0:
            tail = proc.stdout.decode(errors="replace")[-800:]
            raise InfraError(
                "debootstrap failed",
                hint=f"{tail.strip()} (mirror: {_mirror()}; set DSIM_DEBIAN_MIRROR to another)",
            )
        for junk in (
            "var/cache/apt/archives",
            "var/lib/apt/lists",
            "usr/share/doc",
            "usr/share/man",
            "usr/share/locale",
        ):
            shutil.rmtree(rootfs / junk, ignore_errors=True)
        (rootfs / "dsim").mkdir(exist_ok=True)
        progress("importing the root filesystem into Docker")
        archive = Path(tmp) / "rootfs.tar"
        subprocess.run(
            ["tar", "-C", str(rootfs), "--numeric-owner", "-cf", str(archive), "."], check=True
        )
        repo, _, version = tag.partition(":")
        cli.api.import_image_from_file(
            str(archive),
            repository=repo,
            tag=version,
            changes=[f'LABEL {LABEL}="base"', 'CMD ["/bin/sh"]'],
        )


def _tag_with_dsim_dir(cli: Any, source: str, tag: str) -> None:
    dockerfile = f'FROM {source}\nRUN mkdir -p /dsim\nLABEL {LABEL}="base"\n'
    _build(cli, tag, dockerfile, {})


def _build(cli: Any, tag: str, dockerfile: str, files: dict[str, Path]) -> None:
    buf = io.BytesIO()
    with tarfile.open(fileobj=buf, mode="w") as tar:
        data = dockerfile.encode()
        info = tarfile.TarInfo("Dockerfile")
        info.size = len(data)
        tar.addfile(info, io.BytesIO(data))
        for name, path in files.items():
            tar.add(str(path), arcname=name)
    buf.seek(0)
    from docker.errors import BuildError

    try:
        cli.images.build(
            fileobj=buf,
            custom_context=True,
            tag=tag,
            network_mode="none",
            rm=True,
            forcerm=True,
            pull=False,
        )
    except BuildError as exc:
        log = "".join(str(item.get("stream", "")) for item in exc.build_log)[-800:]
        raise InfraError(f"building {tag} failed", hint=log.strip()) from exc


def wheel_cache() -> Path:
    return home() / "wheels"


def fetch_wheels(requirements: list[str], dest: Path) -> None:
    """Download wheels (with dependencies) on the host, once; the image build is offline."""
    dest.mkdir(parents=True, exist_ok=True)
    proc = subprocess.run(
        [
            sys.executable,
            "-m",
            "pip",
            "download",
            "--disable-pip-version-check",
            "-q",
            "--only-binary=:all:",
            "--python-version",
            "3.11",
            "-d",
            str(dest),
            *requirements,
        ],
        capture_output=True,
        check=False,
    )
    if proc.returncode != 0:
        raise InfraError(
            f"fetching wheels for {', '.join(requirements)} failed",
            hint=proc.stderr.decode(errors="replace")[-500:].strip(),
        )
