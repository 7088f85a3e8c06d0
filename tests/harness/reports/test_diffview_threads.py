"""Highlighting from many threads at once in a fresh process (a server rendering reports) works:
pygments loads lexers lazily, and concurrent first loads used to fail with ImportError."""

from __future__ import annotations

import subprocess
import sys

PROGRAM = """
import threading
from harness.reports.diffview import highlight_diff

errors = []
barrier = threading.Barrier(12)

def run(name):
    diff = f"--- a/{name}\\n+++ b/{name}\\n@@ -1 +1 @@\\n-x = 1\\n+x = 2\\n"
    barrier.wait()
    try:
        assert "<span" in highlight_diff(diff)
    except Exception as exc:
        errors.append(repr(exc))

names = ["a.py", "b.toml", "c.md", "d.js", "e.json", "f.yaml", "g.sh", "h.cfg", "i.ini",
         "j.rs", "k.go", "l.unknownext"]
threads = [threading.Thread(target=run, args=(n,)) for n in names]
for t in threads:
    t.start()
for t in threads:
    t.join()
print(errors)
raise SystemExit(1 if errors else 0)
"""


def test_highlighting_from_many_threads_in_a_fresh_process() -> None:
    for _ in range(3):
        done = subprocess.run(
            [sys.executable, "-c", PROGRAM], capture_output=True, text=True, check=False
        )
        assert done.returncode == 0, done.stdout + done.stderr
