"""`dsim serve` under load: the candidates list, a result page and a 20-candidate comparison with
50 concurrent clients on loopback, over a store of 2,000 candidates and 10,000 results.

The store is bench_scoring's (every result shaped like a real one). The server is a real
`dsim serve --no-worker` process (one uvicorn process as the README starts it, or
``--workers N``); the clients are
50 threads in this process, each with its own signed-in session, each sending its next request
as soon as the last one answered. Every request of a phase is timed; the report is p50 / p95 /
max latency and requests per second per page, after one warm-up request per page (the first
request scores the cohort once: its time is reported apart). Load generator and server share the
machine's 2 cores. Target (issue 14): p95 under 300 ms.

    .venv/bin/python benchmarks/bench_serve.py [--quick] [--clients N] [--requests N]
"""

from __future__ import annotations

import http.cookiejar
import os
import random
import re
import socket
import statistics
import subprocess
import sys
import tempfile
import threading
import time
import urllib.parse
import urllib.request
from pathlib import Path
from typing import Any

import _common
import bench_scoring

PASSWORD = "bench-password-123"  # noqa: S105 - a throwaway server's users


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


class Client:
    """One browser: a cookie jar signed in as ``name``."""

    def __init__(self, base: str, name: str) -> None:
        self.base = base
        self.jar = http.cookiejar.CookieJar()
        self.opener = urllib.request.build_opener(urllib.request.HTTPCookieProcessor(self.jar))
        form = self.get("/login")
        csrf = re.search(r'name="csrf" value="([^"]+)"', form)
        assert csrf is not None
        body = urllib.parse.urlencode(
            {"name": name, "password": PASSWORD, "csrf": csrf.group(1), "next": "/account"}
        ).encode()
        self.opener.open(f"{base}/login", data=body, timeout=60).read()

    def get(self, path: str) -> str:
        with self.opener.open(f"{self.base}{path}", timeout=120) as answer:
            text: str = answer.read().decode()
            if answer.status != 200:
                raise RuntimeError(f"{path}: {answer.status}")
            return text


def phase(clients: list[Client], paths: list[str], per_client: int) -> dict[str, float]:
    """Every client requests ``per_client`` paths (cycling through ``paths`` from its own
    offset) back to back; latencies of all requests, and the wall time."""
    latencies: list[float] = []
    lock = threading.Lock()
    failures: list[str] = []

    def run(index: int, client: Client) -> None:
        mine = []
        for n in range(per_client):
            path = paths[(index * per_client + n) % len(paths)]
            began = time.perf_counter()
            try:
                client.get(path)
            except Exception as exc:  # noqa: BLE001 - counted and reported
                failures.append(f"{path}: {exc}")
                continue
            mine.append(time.perf_counter() - began)
        with lock:
            latencies.extend(mine)

    threads = [threading.Thread(target=run, args=(i, c)) for i, c in enumerate(clients)]
    began = time.perf_counter()
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    wall = time.perf_counter() - began
    if failures:
        raise RuntimeError(f"{len(failures)} requests failed, e.g. {failures[0]}")
    ordered = sorted(latencies)
    return {
        "requests": len(ordered),
        "p50_ms": 1000 * statistics.median(ordered),
        "p95_ms": 1000 * ordered[int(0.95 * (len(ordered) - 1))],
        "max_ms": 1000 * ordered[-1],
        "per_second": len(ordered) / wall,
    }


WRK_SCRIPT = """
paths = {%(paths)s}
counter = 0
request = function()
  counter = counter + 1
  return wrk.format("GET", paths[(counter %% #paths) + 1], {["Cookie"] = "%(cookie)s"})
end
done = function(summary, latency, requests)
  local e = summary.errors
  io.write(string.format('WRK {"p50": %%d, "p95": %%d, "max": %%d, "requests": %%d, '
    .. '"errors": %%d, "non2xx": %%d, "seconds": %%f}\\n',
    latency:percentile(50), latency:percentile(95), latency.max, summary.requests,
    e.connect + e.read + e.write + e.timeout, e.status, summary.duration / 1e6))
end
"""


def wrk_phase(
    base: str, client: Client, paths: list[str], clients: int, seconds: int
) -> dict[str, float]:
    """The same load from wrk (C, epoll; two threads): the load generator then takes little of
    the CPU the server needs. Latencies from wrk's histogram."""
    import json

    cookie = "; ".join(f"{c.name}={c.value}" for c in client.jar)
    script = WRK_SCRIPT % {"paths": ", ".join(f'"{p}"' for p in paths), "cookie": cookie}
    with tempfile.NamedTemporaryFile("w", suffix=".lua", delete=False) as handle:
        handle.write(script)
    out = subprocess.run(
        [
            "wrk",
            "-t2",
            f"-c{clients}",
            f"-d{seconds}s",
            "--timeout",
            "30s",
            "-s",
            handle.name,
            base,
        ],
        capture_output=True,
        text=True,
        check=True,
    ).stdout
    Path(handle.name).unlink()
    line = next(x for x in out.splitlines() if x.startswith("WRK "))
    raw = json.loads(line[4:])
    if raw["errors"] or raw["non2xx"]:
        raise RuntimeError(f"wrk saw {raw['errors']} errors and {raw['non2xx']} non-2xx answers")
    return {
        "requests": raw["requests"],
        "p50_ms": raw["p50"] / 1000,
        "p95_ms": raw["p95"] / 1000,
        "max_ms": raw["max"] / 1000,
        "per_second": raw["requests"] / raw["seconds"],
    }


def main() -> int:
    p = _common.parser(__doc__.splitlines()[0])
    p.add_argument("--candidates", type=int, help="[2000; quick: 200]")
    p.add_argument("--clients", type=int, default=50)
    p.add_argument("--requests", type=int, help="per client per page [10; quick: 2]")
    p.add_argument("--workers", type=int, default=1, help="dsim serve --workers")
    p.add_argument(
        "--load",
        choices=("auto", "wrk", "python"),
        default="auto",
        help="load generator: wrk (apt-get install wrk) when installed, else Python threads",
    )
    p.add_argument("--seconds", type=int, help="with wrk: seconds per page [20; quick: 5]")
    args = p.parse_args()
    candidates = args.candidates or (200 if args.quick else 2000)
    per_client = args.requests or (2 if args.quick else 10)
    settings = {
        "candidates": candidates,
        "results": candidates * 5,
        "clients": args.clients,
        "requests_per_client_per_page": per_client,
        "server": f"dsim serve --no-worker --workers {args.workers}, SQLite store",
    }
    import shutil

    load = args.load if args.load != "auto" else ("wrk" if shutil.which("wrk") else "python")
    seconds = args.seconds or (5 if args.quick else 20)
    settings["load"] = (
        f"wrk -t2 -c{args.clients}, {seconds} s per page"
        if load == "wrk"
        else (f"{args.clients} Python threads")
    )
    facts = _common.header("bench_serve", settings, with_docker=False)
    from harness.service import people
    from harness.store import Store

    with tempfile.TemporaryDirectory(prefix="dsim-bench-serve-") as tmp:
        home = Path(tmp)
        store = Store(f"sqlite:///{home / 'dsim.db'}")
        began = time.perf_counter()
        counts = bench_scoring.populate(store, candidates, 5)
        print(f"populated in {time.perf_counter() - began:.1f}s: {counts}", flush=True)
        people.add_user(store, "hiring", "hiring", PASSWORD)
        people.add_user(store, "assessor", "assessor", PASSWORD)
        subs = [s.id for s in store.submissions(latest_only=True)]
        store.close()
        port = _free_port()
        env = {**os.environ, "DSIM_HOME": str(home)}
        log = (home / "serve.log").open("w")
        server = subprocess.Popen(
            [
                sys.executable,
                "-m",
                "harness",
                "serve",
                "--port",
                str(port),
                "--no-worker",
                "--workers",
                str(args.workers),
            ],
            env=env,
            stdout=log,
            stderr=subprocess.STDOUT,
        )
        base = f"http://127.0.0.1:{port}"
        try:
            deadline = time.monotonic() + 60
            while time.monotonic() < deadline:
                try:
                    with socket.create_connection(("127.0.0.1", port), timeout=0.5):
                        break
                except OSError:
                    time.sleep(0.2)
            quiet = _common.wait_quiet(args.wait_quiet, args.quiet_busy)
            sessions = args.clients if load == "python" else 1
            hiring = [Client(base, "hiring") for _ in range(sessions)]
            assessors = [Client(base, "assessor") for _ in range(sessions)]
            rng = random.Random(3)
            names = [f"candidate-{i:05d}" for i in range(candidates)]
            comparisons = [
                "/compare?" + "&".join(f"c={n}" for n in rng.sample(names, 20)) for _ in range(20)
            ]
            results = [f"/submissions/{sid}" for sid in rng.sample(subs, 200)]
            lists = [f"/candidates?page={1 + i % 5}" for i in range(5)]
            began = time.perf_counter()
            hiring[0].get(lists[0])
            first = time.perf_counter() - began
            print(f"first request (scores the cohort once): {first:.2f}s", flush=True)
            # Every server process scores the cohort once; warm them all (connections land on
            # processes at random, so ask several times at once).
            warm = [
                threading.Thread(
                    target=lambda: (
                        hiring[0].get(lists[0]),
                        hiring[0].get(comparisons[0]),
                        assessors[0].get(results[0]),
                    )
                )
                for _ in range(4 * args.workers)
            ]
            for t in warm:
                t.start()
            for t in warm:
                t.join()
            if load == "wrk":
                measured = {
                    "candidates list": wrk_phase(base, hiring[0], lists, args.clients, seconds),
                    "result page": wrk_phase(base, assessors[0], results, args.clients, seconds),
                    "comparison of 20": wrk_phase(
                        base, hiring[0], comparisons, args.clients, seconds
                    ),
                }
            else:
                measured = {
                    "candidates list": phase(hiring, lists, per_client),
                    "result page": phase(assessors, results, per_client),
                    "comparison of 20": phase(hiring, comparisons, per_client),
                }
        except Exception:
            print((home / "serve.log").read_text()[-3000:], file=sys.stderr)
            raise
        finally:
            server.terminate()
            server.wait(timeout=30)
            log.close()
    for page, m in measured.items():
        print(
            f"{page:<18} {m['requests']:>5} requests  p50 {m['p50_ms']:7.1f} ms  "
            f"p95 {m['p95_ms']:7.1f} ms  max {m['max_ms']:7.1f} ms  {m['per_second']:6.1f}/s"
        )
    worst = max(m["p95_ms"] for m in measured.values())
    verdict = "met" if worst < 300 else "NOT met"
    _common.result_line(
        "bench_serve",
        f"{args.clients} clients, {counts['submissions']} results: "
        + ", ".join(f"{k} p95 {v['p95_ms']:.0f} ms" for k, v in measured.items())
        + f"; target p95 < 300 ms {verdict}",
        quick=args.quick,
    )
    data: dict[str, Any] = {
        **facts,
        "quiet_busy": quiet,
        "first_request_s": first,
        "pages": measured,
    }
    _common.write_json(args.json_path, data)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
