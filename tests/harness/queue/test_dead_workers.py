"""A worker starting on a host removes the containers of this host's dead workers, and only
those: a live worker's, another host's and unlabelled containers stay."""

from __future__ import annotations

from harness.backends.docker.cleanup import WORKER_LABEL, remove_dead_workers


class _Api:
    def __init__(self, rows):
        self.rows = rows
        self.removed: list[str] = []

    def containers(self, all, filters):
        assert all and filters == {"label": WORKER_LABEL}
        return [r for r in self.rows if WORKER_LABEL in r["Labels"]]

    def remove_container(self, cid, force, v):
        assert force and v
        self.removed.append(cid)


class _Cli:
    def __init__(self, rows):
        self.api = _Api(rows)


def _row(cid, owner=None, source=""):
    labels = {"dsim": "1"} | ({WORKER_LABEL: owner} if owner else {})
    mounts = [{"Type": "bind", "Source": source}] if source else []
    return {"Id": cid, "Labels": labels, "Mounts": mounts}


def test_only_dead_workers_of_this_host_lose_their_containers(tmp_path):
    private = tmp_path / "dsim-sandbox-abc"
    (private / "root").mkdir(parents=True)
    elsewhere = tmp_path / "mine"
    elsewhere.mkdir()
    cli = _Cli(
        [
            _row("dead", "here:100", str(private / "root")),
            _row("dead-too", "here:101", str(elsewhere)),
            _row("alive", "here:200"),
            _row("other-host", "there:100"),
            _row("plain"),
            _row("garbled", "here:abc"),
        ]
    )
    removed = remove_dead_workers(cli, "here", alive=lambda pid: pid == 200)
    assert removed == 2 and cli.api.removed == ["dead", "dead-too"]
    assert not private.exists()  # the dead run's bind-mounted files went with it
    assert elsewhere.exists()  # a folder dsim did not make is never removed
