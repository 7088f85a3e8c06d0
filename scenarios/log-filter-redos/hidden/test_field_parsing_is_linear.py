"""Parsing must stay fast on hostile input (flaw: field-regex-redos).

Each check runs in a child process with a deadline, so a regex that backtracks for hours fails
this test in seconds instead of hanging the run. A linear regex needs microseconds.
"""

import json
import os
import subprocess
import sys
import textwrap

DEADLINE_SECONDS = 5

TRACE_ID = "3f2a9c1e7b6d4058" * 3  # 48 word characters, no "=" after them


def _run_bounded(code: str) -> object:
    env = dict(os.environ, PYTHONPATH=os.pathsep.join(p for p in sys.path if p))
    try:
        done = subprocess.run(
            [sys.executable, "-c", textwrap.dedent(code)],
            capture_output=True,
            text=True,
            timeout=DEADLINE_SECONDS,
            env=env,
        )
    except subprocess.TimeoutExpired:
        raise AssertionError(f"still running after {DEADLINE_SECONDS}s: catastrophic backtracking") from None
    assert done.returncode == 0, done.stderr
    return json.loads(done.stdout)


def test_message_with_a_long_token_is_parsed_quickly():
    line = f"2026-11-27T10:00:00Z INFO api.http request trace {TRACE_ID} user.id=42"
    fields = _run_bounded(
        f"""
        import json
        from logsieve.records import parse_line
        print(json.dumps(parse_line({line!r}).fields))
        """
    )
    assert fields == {"user.id": "42"}


def test_user_supplied_search_term_is_parsed_quickly():
    line = "2026-11-27T10:00:00Z INFO search.api query q=shoes term " + "a" * 40 + "! status=200"
    fields = _run_bounded(
        f"""
        import json
        from logsieve.records import parse_line
        print(json.dumps(parse_line({line!r}).fields))
        """
    )
    assert fields == {"q": "shoes", "status": "200"}


def test_where_option_with_a_long_bad_key_is_refused_quickly():
    result = _run_bounded(
        f"""
        import json
        from logsieve.fields import parse_where
        try:
            parse_where({"a" * 48 + "!=1"!r})
        except ValueError:
            print(json.dumps("refused"))
        else:
            print(json.dumps("accepted"))
        """
    )
    assert result == "refused"


def test_cli_filters_a_log_with_long_tokens_quickly():
    log = "".join(
        f"2026-11-27T10:00:0{i}Z INFO api.http GET /x request_id {TRACE_ID[: 30 + i]} status={200 + i}\n" for i in range(5)
    )
    out = _run_bounded(
        f"""
        import io, json
        from logsieve.cli import main
        out = io.StringIO()
        main(["--where", "status=203"], stdin=io.StringIO({log!r}), stdout=out)
        print(json.dumps(out.getvalue()))
        """
    )
    assert out.count("\n") == 1 and "status=203" in out
