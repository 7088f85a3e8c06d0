import io

from logsieve.cli import main

LOG = (
    "2026-11-27T10:00:00Z INFO api.http GET /health 200\n"
    "not a log line\n"
    "2026-11-27T10:00:02Z ERROR api.http GET /orders 500\n"
)


def _run(*argv):
    out = io.StringIO()
    assert main(list(argv), stdin=io.StringIO(LOG), stdout=out) == 0
    return out.getvalue()


def test_prints_matching_lines_unchanged():
    assert _run("--level", "error") == "2026-11-27T10:00:02Z ERROR api.http GET /orders 500\n"


def test_count(capsys):
    assert _run("--count", "--logger", "api") == "2\n"
    assert "skipped 1 line" in capsys.readouterr().err
