"""``dsim images``, ``dsim doctor`` and ``dsim cleanup``: the container infrastructure."""

from __future__ import annotations

import shutil
from typing import Any

import click

from harness.cli import Context, count, emit_json, json_option, pass_ctx
from harness.errors import DsimError, ExitCode


@click.group("images")
def images_group() -> None:
    """Build, list and prune container images (built offline)."""


@images_group.command("build")
@click.option("--scenario", "scenario_ids", multiple=True, help="Only these scenarios.")
@click.option(
    "--base-image",
    envvar="DSIM_BASE_IMAGE",
    help="Use an image you already have (with python3 and pytest) as the base.",
)
@json_option
def build_cmd(scenario_ids: tuple[str, ...], base_image: str | None, as_json: bool) -> None:
    """Build the base image and every scenario image that is missing."""
    import time

    from harness.backends.docker.images import Images
    from harness.grading.pipeline import image_recipe
    from harness.scenarios.scenario import library, resolve

    def say(msg: str) -> None:
        if not as_json:
            click.echo(msg)

    started = time.monotonic()
    images = Images()
    base = images.build_base(say, configured=base_image)
    say(f"base {base.tag}: {'built' if base.built else 'up to date'}")
    rows: list[dict[str, Any]] = [{"image": base.tag, "built": base.built, "kind": "base"}]
    scenarios = [resolve(s) for s in scenario_ids] if scenario_ids else library()
    for scenario in scenarios:
        ref = images.build_scenario(image_recipe(scenario), say, base=base)
        say(f"{scenario.id} {ref.tag}: {'built' if ref.built else 'up to date'}")
        rows.append(
            {"image": ref.tag, "built": ref.built, "kind": "scenario", "scenario": scenario.id}
        )
    if as_json:
        emit_json({"images": rows, "seconds": round(time.monotonic() - started, 2)})
    else:
        click.echo(f"done in {time.monotonic() - started:.1f}s")


@images_group.command("list")
@json_option
def list_cmd(as_json: bool) -> None:
    """List dsim images."""
    from harness.backends.docker.images import Images

    rows = Images().list_images()
    if as_json:
        emit_json(rows)
        return
    for r in rows:
        click.echo(f"{r['tag']:<60} {r['kind']:<9} {r['size_mb']} MB")


@images_group.command("prune")
@json_option
def prune_cmd(as_json: bool) -> None:
    """Remove dsim images no current scenario uses."""
    from harness.backends.docker import images
    from harness.grading.pipeline import image_recipe
    from harness.scenarios.scenario import library

    base = images.base_tag()
    keep = {base} | {images.scenario_tag(image_recipe(s), base) for s in library()}
    removed = images.Images().prune(keep)
    if as_json:
        emit_json({"removed": removed})
    else:
        click.echo(f"removed {count(len(removed), 'image')}")


@click.command("doctor")
@json_option
@pass_ctx
def doctor_cmd(ctx: Context, as_json: bool) -> None:
    """Check the engine, the base image, the store and disk space; say what to fix."""
    checks: list[dict[str, Any]] = []

    def add(name: str, ok: bool, detail: str, fix: str = "") -> None:
        checks.append({"check": name, "ok": ok, "detail": detail, "fix": "" if ok else fix})

    try:
        from harness.backends.docker import client

        cli = client()
        version = cli.version().get("Version", "?")
        add("docker engine", True, f"version {version}")
        from harness.backends.docker import images

        tag = images.base_tag()
        present = bool(cli.images.list(name=tag.split(":")[0]))
        add("base image", present, tag, "run `dsim images build`")
    except DsimError as exc:
        add("docker engine", False, exc.summary, exc.hint or "")
    try:
        home = ctx.settings.home
        add("data folder", True, str(home))
    except DsimError as exc:
        home = None
        add("data folder", False, exc.summary, exc.hint or "")
    try:
        from harness.cli._store import shown

        store = ctx.store
        store.submissions()
        add("store", True, shown(store.url))
    except click.ClickException as exc:
        summary = exc.summary if isinstance(exc, DsimError) else exc.format_message()
        hint = exc.hint if isinstance(exc, DsimError) else None
        add("store", False, summary, hint or "check --db / DSIM_DB")
    if home is not None:
        free = shutil.disk_usage(home).free / 1e9
        add(
            "disk space",
            free > 2,
            f"{free:.1f} GB free in {home}",
            "free at least 2 GB (dsim images prune helps)",
        )
    if as_json:
        emit_json(checks)
    else:
        for c in checks:
            mark = "ok  " if c["ok"] else "FAIL"
            click.echo(
                f"{mark} {c['check']}: {c['detail']}"
                + (f"\n     fix: {c['fix']}" if c["fix"] else "")
            )
    if not all(c["ok"] for c in checks):
        raise click.exceptions.Exit(ExitCode.INFRA)


@click.command("cleanup")
def cleanup_cmd() -> None:
    """Remove containers left by killed dsim processes (they carry the dsim label)."""
    from harness.backends import get_backend

    click.echo(f"removed {count(get_backend('docker').remove_leftovers(), 'container')}")


COMMANDS = [images_group, doctor_cmd, cleanup_cmd]
