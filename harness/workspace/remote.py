"""``dsim submit --to URL``: hand in a workspace downloaded from a dsim server.

The candidate's machine has neither the scenario nor the store: the workspace marker carries
what is needed (the base commit, the editable paths, the server and the workspace's submit
token), the change is captured exactly as ``dsim submit`` captures a local one, and the server
checks and stores it. Standard library HTTP only.
"""

from __future__ import annotations

import json
import urllib.error
import urllib.request
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from harness.errors import DsimError, InfraError, InvalidInput, NotFound
from harness.workspace.start import read_marker
from harness.workspace.submit import LeftOut, capture_workspace

TIMEOUT = 60


@dataclass(frozen=True, kw_only=True)
class Outgoing:
    """What would be sent: the change, REVIEW.md, what was left out, and where it goes."""

    url: str
    token: str
    diff: str
    review: str
    left_out: tuple[LeftOut, ...]


def prepare(directory: Path, to: str | None) -> Outgoing:
    """Capture a server workspace's change (raises InvalidInput for a workspace of `dsim start`
    or one without a token, and for binary files)."""
    marker = read_marker(directory)
    token = marker.get("token")
    if not token:
        raise InvalidInput(
            f"{directory} was made by `dsim start`, not downloaded from a server",
            hint="submit it with `dsim submit` (no --to)",
        )
    url = (to or marker.get("server") or "").rstrip("/")
    if not url.startswith(("http://", "https://")):
        raise InvalidInput(f"--to {url!r} is not an http(s) address", hint="pass the server URL")
    editable = tuple(marker.get("editable") or ())
    capture = capture_workspace(directory, marker["base_commit"], editable)
    review_path = directory / "REVIEW.md"
    review = review_path.read_text(encoding="utf-8") if review_path.is_file() else ""
    return Outgoing(
        url=url, token=str(token), diff=capture.diff, review=review, left_out=capture.left_out
    )


def send(outgoing: Outgoing, *, dry_run: bool = False) -> dict[str, Any]:
    """POST the change; the server's answer (stored, submission id, review lint, protected
    paths). Raises the server's refusal as the matching dsim error, and InfraError when the
    server cannot be reached."""
    body = json.dumps(
        {"diff": outgoing.diff, "review": outgoing.review, "dry_run": dry_run}
    ).encode()
    request = urllib.request.Request(  # noqa: S310 - the scheme is checked in prepare()
        f"{outgoing.url}/api/v1/workspace/submit",
        data=body,
        method="POST",
        headers={
            "Authorization": f"Bearer {outgoing.token}",
            "Content-Type": "application/json",
            "Accept": "application/json",
        },
    )
    try:
        with urllib.request.urlopen(request, timeout=TIMEOUT) as response:  # noqa: S310
            answer: dict[str, Any] = json.loads(response.read().decode())
            return answer
    except urllib.error.HTTPError as exc:
        raise _refusal(exc) from None
    except (urllib.error.URLError, OSError) as exc:
        reason = getattr(exc, "reason", exc)
        raise InfraError(
            f"cannot reach the dsim server at {outgoing.url} ({reason})",
            hint="check the address and your connection, then run the same command again; "
            "nothing was submitted",
        ) from None


def _refusal(exc: urllib.error.HTTPError) -> DsimError:
    try:
        error = json.loads(exc.read().decode()).get("error", {})
    except (ValueError, AttributeError):
        error = {}
    message = str(error.get("message") or f"the server answered {exc.code}")
    hint = error.get("hint")
    if exc.code in (401, 403):
        return InvalidInput(
            f"the server refused this workspace: {message}",
            hint=hint or "your invite may have expired or been revoked; ask who invited you",
        )
    if exc.code == 404:
        return NotFound(message, hint=hint)
    if exc.code in (400, 413, 422):
        return InvalidInput(message, problems=list(error.get("problems") or []), hint=hint)
    return InfraError(
        f"the dsim server failed ({exc.code}): {message}",
        hint="try again later; nothing was submitted",
    )
