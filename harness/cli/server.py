"""``dsim serve``, ``dsim users``, ``dsim tokens``, ``dsim invite`` and ``dsim invites``: a dsim
server for a team, and the people and invites it knows."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
from typing import Any

import click

from harness.cli import Context, emit_json, iso, json_option, pass_ctx, table

ROLE_CHOICE = click.Choice(["admin", "assessor", "hiring"])


def _password(prompt: str, from_stdin: bool) -> str:
    if from_stdin:
        return sys.stdin.readline().rstrip("\n")
    env = os.environ.get("DSIM_PASSWORD")
    if env:
        return env
    value: str = click.prompt(prompt, hide_input=True, confirmation_prompt=True)
    return value


@click.group("users")
def users_group() -> None:
    """People who sign in to `dsim serve` (admin, assessor, hiring)."""


@users_group.command("add")
@click.argument("name")
@click.option("--role", type=ROLE_CHOICE, required=True, help="What they may do.")
@click.option(
    "--password-stdin", is_flag=True, help="Read the password from standard input (one line)."
)
@pass_ctx
def users_add(ctx: Context, name: str, role: str, password_stdin: bool) -> None:
    """Add a user (asks for a password, or DSIM_PASSWORD / --password-stdin)."""
    from harness.service import people

    password = _password(f"Password for {name}", password_stdin)
    people.add_user(ctx.store, name, role, password)
    people.audit(ctx.store, "cli", "user_added", name, role=role)
    click.echo(f"Added {name} ({role}).")


@users_group.command("list")
@json_option
@pass_ctx
def users_list(ctx: Context, as_json: bool) -> None:
    """List users."""
    from harness.service import people

    rows = people.users(ctx.store)
    if as_json:
        emit_json(
            [
                {
                    "name": u.name,
                    "role": u.role,
                    "created_at": iso(u.created_at),
                    "disabled": u.disabled_at is not None,
                }
                for u in rows
            ]
        )
        return
    if not rows:
        click.echo("No users yet: `dsim users add NAME --role admin`.")
        return
    click.echo(
        table(
            ("NAME", "ROLE", "STATE"),
            [(u.name, u.role, "disabled" if u.disabled_at else "active") for u in rows],
            (24, 10),
        )
    )


@users_group.command("disable")
@click.argument("name")
@pass_ctx
def users_disable(ctx: Context, name: str) -> None:
    """Disable a user: their sessions end and their API tokens stop working."""
    from harness.service import people

    people.set_disabled(ctx.store, name, True)
    people.audit(ctx.store, "cli", "user_disabled", name)
    click.echo(f"Disabled {name}.")


@users_group.command("enable")
@click.argument("name")
@pass_ctx
def users_enable(ctx: Context, name: str) -> None:
    """Enable a disabled user again."""
    from harness.service import people

    people.set_disabled(ctx.store, name, False)
    people.audit(ctx.store, "cli", "user_enabled", name)
    click.echo(f"Enabled {name}.")


@click.group("tokens")
def tokens_group() -> None:
    """API tokens for automation (they act as their user)."""


@tokens_group.command("create")
@click.argument("user")
@click.option("--name", "label", default="token", show_default=True, help="What it is for.")
@pass_ctx
def tokens_create(ctx: Context, user: str, label: str) -> None:
    """Create an API token for USER and print it once (only its hash is stored)."""
    from harness.service import people

    row, secret = people.create_token(ctx.store, user, label)
    people.audit(ctx.store, "cli", "token_created", row.id, user=user)
    click.echo(secret)


@click.command("invite")
@click.argument("candidate")
@click.option(
    "--scenario", "scenarios", multiple=True, required=True, help="A scenario id (repeatable)."
)
@click.option("--expires", default="7d", show_default=True, help="How long the link works.")
@click.option("--by", default="cli", show_default=True, help="Who invites (for the audit log).")
@click.option(
    "--url",
    envvar="DSIM_PUBLIC_URL",
    default="http://127.0.0.1:8080",
    show_default=True,
    help="The address candidates reach the server at (DSIM_PUBLIC_URL).",
)
@json_option
@pass_ctx
def invite_cmd(
    ctx: Context,
    candidate: str,
    scenarios: tuple[str, ...],
    expires: str,
    by: str,
    url: str,
    as_json: bool,
) -> None:
    """Invite CANDIDATE to scenarios and print the link (shown once; only its hash is kept)."""
    from harness.service import actions

    made = actions.invite(ctx.store, candidate, list(scenarios), expires=expires, who=by, ip="")
    link = made.link(url)
    if as_json:
        emit_json(
            {
                "invite": made.invite.id,
                "candidate": made.invite.candidate,
                "scenarios": made.invite.scenarios,
                "expires_at": iso(made.invite.expires_at),
                "link": link,
            }
        )
        return
    click.echo(
        f"Invite {made.invite.id} for {made.invite.candidate_name}, open until "
        f"{iso(made.invite.expires_at)[:16]} UTC. Send them this link:"
    )
    click.echo(link)


@click.group("invites", invoke_without_command=True)
@json_option
@click.pass_context
def invites_group(click_ctx: click.Context, as_json: bool) -> None:
    """List invites (and `dsim invites revoke ID`)."""
    if click_ctx.invoked_subcommand is not None:
        return
    from harness.service import people

    ctx = click_ctx.find_object(Context)
    assert ctx is not None
    rows = people.invites(ctx.store)
    if as_json:
        emit_json(
            [
                {
                    "id": i.id,
                    "candidate": i.candidate,
                    "scenarios": i.scenarios,
                    "expires_at": iso(i.expires_at),
                    "state": people.invite_state(i),
                }
                for i in rows
            ]
        )
        return
    click.echo(
        table(
            ("ID", "CANDIDATE", "STATE", "EXPIRES", "SCENARIOS"),
            [
                (
                    i.id,
                    i.candidate,
                    people.invite_state(i),
                    iso(i.expires_at)[:10],
                    ", ".join(i.scenarios),
                )
                for i in rows
            ],
            (12, 20, 8, 10),
        )
        if rows
        else "No invites yet: `dsim invite NAME --scenario ID`."
    )


@invites_group.command("revoke")
@click.argument("invite_id")
@pass_ctx
def invites_revoke(ctx: Context, invite_id: str) -> None:
    """Revoke an invite: its link, sessions and workspace tokens stop working."""
    from harness.service import actions

    actions.revoke(ctx.store, invite_id, who="cli", ip="")
    click.echo(f"Revoked {invite_id}.")


def _worker_process(ctx: Context) -> subprocess.Popen[bytes]:
    """The embedded grading worker: a process of its own, so the server never runs candidate
    code and a grading crash cannot take the pages down."""
    settings = ctx.settings
    command = [
        sys.executable,
        "-m",
        "harness",
        "--home",
        str(settings.home),
        "--db",
        ctx.store.url,
        "worker",
        "--jobs",
        "1",
    ]
    return subprocess.Popen(command, start_new_session=True)


@click.command("serve")
@click.option("--host", default="127.0.0.1", show_default=True, help="Address to listen on.")
@click.option("--port", default=8080, show_default=True, type=int, help="Port to listen on.")
@click.option(
    "--broker",
    help="Grade through this broker's workers (DSIM_BROKER) instead of "
    "the embedded worker process.",
)
@click.option(
    "--no-worker",
    is_flag=True,
    help="Start no embedded worker (grading happens elsewhere: `dsim worker` on the same store).",
)
@click.option(
    "--public-url",
    envvar="DSIM_PUBLIC_URL",
    help="The address candidates reach the "
    "server at, for invite links and workspaces (DSIM_PUBLIC_URL) [default: as asked].",
)
@click.option(
    "--admin",
    "admin_name",
    help="Create this admin first if there is none (password from DSIM_PASSWORD or asked).",
)
@click.option(
    "--demo",
    is_flag=True,
    help="Seed sample users, candidates and an invite to click "
    "through (prints the passwords; not for real use).",
)
@click.option("--secure-cookies", is_flag=True, help="Mark cookies Secure (behind HTTPS).")
@click.option(
    "--workers",
    type=click.IntRange(min=1),
    default=1,
    show_default=True,
    help="Server processes (pages are CPU-bound: up to one per core). Grading workers are "
    "separate.",
)
@pass_ctx
def serve_cmd(
    ctx: Context,
    host: str,
    port: int,
    broker: str | None,
    no_worker: bool,
    public_url: str | None,
    admin_name: str | None,
    demo: bool,
    secure_cookies: bool,
    workers: int,
) -> None:
    """Serve dsim to a team: candidates, assessors, hiring and admins, with pages and /api/v1."""
    import uvicorn

    from harness.config import broker as broker_url
    from harness.scoring.profile import load_profile
    from harness.service import people
    from harness.service.app import create_app
    from harness.service.security import server_key
    from harness.service.web import Config

    store = ctx.store
    settings = ctx.settings
    if admin_name and not any(u.role == "admin" for u in people.users(store)):
        people.add_user(store, admin_name, "admin", _password(f"Password for {admin_name}", False))
        people.audit(store, "cli", "user_added", admin_name, role="admin")
        click.echo(f"Created admin {admin_name}.")
    url = public_url or f"http://{host}:{port}"
    if demo:
        from harness.service.demo import seed

        for line in seed(store, url):
            click.echo(line)
    chosen = broker_url(broker)
    profile = load_profile(None)
    config = Config(
        store=store,
        home=settings.home,
        key=server_key(settings.home),
        profile=profile,
        broker=chosen,
        public_url=public_url,
        secure_cookies=secure_cookies,
    )
    app = create_app(config)
    worker = None if (chosen or no_worker) else _worker_process(ctx)
    grading = (
        f"through {chosen}"
        if chosen
        else "elsewhere (--no-worker)"
        if no_worker
        else f"in worker process {worker.pid if worker else ''}"
    )
    click.echo(f"dsim serving on http://{host}:{port} (store {store.url}; grading {grading})")
    try:
        if workers == 1:
            uvicorn.run(app, host=host, port=port, log_level="warning", server_header=False)
        else:
            # Each process builds its own app from the environment (uvicorn starts them).
            os.environ.update(
                DSIM_HOME=str(settings.home),
                DSIM_DB=store.url,
                DSIM_BROKER=chosen or "",
                DSIM_PUBLIC_URL=public_url or "",
                DSIM_SECURE_COOKIES="1" if secure_cookies else "",
            )
            uvicorn.run(
                "harness.service.app:from_environment",
                factory=True,
                workers=workers,
                host=host,
                port=port,
                log_level="warning",
                server_header=False,
            )
    finally:
        if worker is not None:
            _stop(worker)


def _stop(worker: subprocess.Popen[Any]) -> None:
    if worker.poll() is None:
        worker.send_signal(signal.SIGTERM)
        try:
            worker.wait(timeout=60)
        except subprocess.TimeoutExpired:
            os.killpg(worker.pid, signal.SIGKILL)
            worker.wait()


COMMANDS = [serve_cmd, users_group, tokens_group, invite_cmd, invites_group]
