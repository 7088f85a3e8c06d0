"""Container images, built offline: a shared base image and thin per-scenario images.

Nothing is pulled at grading time. The base is either an image the user already has (configured
by name) or bootstrapped from Debian packages (debootstrap + import). A scenario image adds only the
scenario's pinned requirements, fetched as wheels on the host once and installed with
``pip --no-index`` inside a build that has no network. Tags are content hashes, so an unchanged
scenario is never rebuilt. Hidden tests and git history never enter any image.
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
import time
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from harness.backends.docker import LABEL, client
from harness.errors import InfraError
from harness.scenarios.scenario import Scenario

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


def scenario_tag(scenario: Scenario, base: str) -> str:
    reqs = list(scenario.manifest.runtime.requirements)
    key: list[Any] = [base, reqs, RECIPE_VERSION]
    if reqs:  # images without requirements are the base under another name: no recipe of theirs
        key.append(VENV_RECIPE)
    return f"{SCENARIO_REPO}-{scenario.id}:{_short(json.dumps(key))}"


_LISTING_TTL = 5.0
_listing: tuple[float, frozenset[str]] = (-_LISTING_TTL, frozenset())
_ready: dict[str, ImageRef] = {}
"""Scenario images this process found or built, by tag: a tag is a content hash, so it names the
same image for as long as the image exists (:func:`forget` drops one the engine says is gone)."""


def _dsim_tags(cli: Any) -> frozenset[str]:
    """Tags of every dsim image, from one listing shared by the calls of the next few seconds
    (``dsim images build`` asks about every scenario; one call instead of one per tag)."""
    global _listing
    taken, tags = _listing
    if time.monotonic() - taken >= _LISTING_TTL:
        rows = cli.api.images(filters={"label": LABEL})
        tags = frozenset(t for row in rows for t in (row.get("RepoTags") or ()))
        _listing = (time.monotonic(), tags)
    return tags


def _exists(cli: Any, tag: str) -> bool:
    from docker.errors import ImageNotFound

    if tag in _dsim_tags(cli):
        return True
    try:  # not a dsim image (a configured base) or made since the listing: ask for it
        cli.images.get(tag)
        return True
    except ImageNotFound:
        return False


def forget(tag: str) -> None:
    """The engine says ``tag`` is missing: look it up (and build it) again next time."""
    global _listing
    _ready.pop(tag, None)
    _listing = (-_LISTING_TTL, frozenset())


def clear_cache() -> None:
    """Forget every image this process found (benchmarks: each repetition a fresh process)."""
    _ready.clear()
    forget("")


def _mirror() -> str:
    return os.environ.get("DSIM_DEBIAN_MIRROR", "http://deb.debian.org/debian")


def build_base(progress: Progress = print, configured: str | None = None) -> ImageRef:
    """Build (or find) the base image: Python 3 with pytest and pip, a /dsim folder, no history."""
    configured = configured or os.environ.get("DSIM_BASE_IMAGE") or None
    cli = client()
    tag = base_tag(configured)
    if _exists(cli, tag):
        return ImageRef(tag=tag, python="python3", built=False)
    if configured:
        if not _exists(cli, configured):
            raise InfraError(f"configured base image {configured} is not present",
                             hint="load it with `docker load` (dsim never pulls) or unset "
                                  "DSIM_BASE_IMAGE to bootstrap one from Debian packages")
        progress(f"tagging {configured} as {tag}")
        _tag_with_dsim_dir(cli, configured, tag)
        return ImageRef(tag=tag, python="python3", built=True)
    if shutil.which("debootstrap") is None:
        raise InfraError("debootstrap is not installed",
                         hint="apt-get install -y debootstrap, or set DSIM_BASE_IMAGE to an "
                              "image you already have that has python3 and pytest")
    with tempfile.TemporaryDirectory(prefix="dsim-rootfs-") as tmp:
        rootfs = Path(tmp) / "rootfs"
        progress(f"bootstrapping Debian {SUITE} with {', '.join(PACKAGES)} (about a minute)")
        proc = subprocess.run(
            ["debootstrap", "--variant=minbase", f"--include={','.join(PACKAGES)}", SUITE,
             str(rootfs), _mirror()], capture_output=True, check=False)
        if proc.returncode != 0:
            tail = proc.stdout.decode(errors="replace")[-800:]
            raise InfraError("debootstrap failed", hint=f"{tail.strip()} (mirror: {_mirror()}; "
                                                        "set DSIM_DEBIAN_MIRROR to another)")
        for junk in ("var/cache/apt/archives", "var/lib/apt/lists", "usr/share/doc",
                     "usr/share/man", "usr/share/locale"):
            shutil.rmtree(rootfs / junk, ignore_errors=True)
        (rootfs / "dsim").mkdir(exist_ok=True)
        progress("importing the root filesystem into Docker")
        archive = Path(tmp) / "rootfs.tar"
        subprocess.run(["tar", "-C", str(rootfs), "--numeric-owner", "-cf", str(archive), "."],
                       check=True)
        repo, _, version = tag.partition(":")
        cli.api.import_image_from_file(
            str(archive), repository=repo, tag=version,
            changes=[f'LABEL {LABEL}="base"', 'CMD ["/bin/sh"]'])
    return ImageRef(tag=tag, python="python3", built=True)


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
        cli.images.build(fileobj=buf, custom_context=True, tag=tag, network_mode="none",
                         rm=True, forcerm=True, pull=False)
    except BuildError as exc:
        log = "".join(str(item.get("stream", "")) for item in exc.build_log)[-800:]
        raise InfraError(f"building {tag} failed", hint=log.strip()) from exc


def wheel_cache() -> Path:
    from harness.config import home

    return home() / "wheels"


def fetch_wheels(requirements: list[str], dest: Path) -> None:
    """Download wheels (with dependencies) on the host, once; the image build is offline."""
    dest.mkdir(parents=True, exist_ok=True)
    proc = subprocess.run(
        [sys.executable, "-m", "pip", "download", "--disable-pip-version-check", "-q",
         "--only-binary=:all:", "--python-version", "3.11", "-d", str(dest), *requirements],
        capture_output=True, check=False)
    if proc.returncode != 0:
        raise InfraError(f"fetching wheels for {', '.join(requirements)} failed",
                         hint=proc.stderr.decode(errors="replace")[-500:].strip())


def build_scenario(scenario: Scenario, progress: Progress = print,
                   base: ImageRef | None = None) -> ImageRef:
    """Build (or find) the image a scenario's runs use."""
    base = base or build_base(progress)
    cli = client()
    tag = scenario_tag(scenario, base.tag)
    reqs = list(scenario.manifest.runtime.requirements)
    python = VENV_PYTHON if reqs else "python3"
    if _exists(cli, tag):
        return ImageRef(tag=tag, python=python, built=False)
    if not reqs:
        # Nothing to add: the scenario image is the base under another name (0 bytes on disk).
        cli.images.get(base.tag).tag(*tag.split(":"))
        return ImageRef(tag=tag, python=python, built=True)
    wheels = wheel_cache() / _short(json.dumps(reqs))
    if not (wheels / ".complete").exists():
        progress(f"{scenario.id}: fetching wheels for {', '.join(reqs)}")
        fetch_wheels(reqs, wheels)
        (wheels / ".complete").write_text("ok\n")
    progress(f"{scenario.id}: building {tag} (offline)")
    quoted = " ".join(f"'{r}'" for r in reqs)
    dockerfile = (
        f"FROM {base.tag}\nCOPY wheels /tmp/wheels\n"
        # No pip of its own in the venv (about 20 MB): the base's pip installs into it.
        f"RUN python3 -m venv --system-site-packages --without-pip /opt/venv && "
        f"{VENV_PYTHON} -m pip install --no-index --find-links /tmp/wheels -q {quoted} && "
        f"rm -rf /tmp/wheels\nLABEL {LABEL}=\"scenario\"\n")
    _build(cli, tag, dockerfile, {"wheels": wheels})
    return ImageRef(tag=tag, python=python, built=True)


def ensure(scenario: Scenario) -> ImageRef:
    """The scenario's image, building what is missing without printing; looked up once per
    process (grading asks for every submission)."""
    configured = os.environ.get("DSIM_BASE_IMAGE") or None
    tag = scenario_tag(scenario, base_tag(configured))
    ref = _ready.get(tag)
    if ref is None:
        ref = build_scenario(scenario, progress=lambda _msg: None)
        ref = _ready.setdefault(ref.tag, ImageRef(tag=ref.tag, python=ref.python, built=False))
    return ref


def list_images() -> list[dict[str, Any]]:
    cli = client()
    rows = []
    for image in cli.images.list(filters={"label": LABEL}):
        for tag in image.tags or [image.short_id]:
            rows.append({"tag": tag, "id": image.short_id, "size_mb": round(
                image.attrs.get("Size", 0) / 1e6, 1), "kind": image.labels.get(LABEL, "")})
    return sorted(rows, key=lambda r: r["tag"])


def prune(keep: set[str]) -> list[str]:
    """Remove dsim images whose tags are not in ``keep``; return the removed tags."""
    cli = client()
    removed = []
    for row in list_images():
        if row["tag"] not in keep:
            try:
                cli.images.remove(row["tag"])
                removed.append(row["tag"])
            except Exception:  # noqa: BLE001, S112 - an image in use stays; prune is best effort
                continue
    return removed
