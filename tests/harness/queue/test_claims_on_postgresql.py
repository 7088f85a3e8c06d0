"""The claim on PostgreSQL, where racing UPDATEs wait on row locks instead of SQLite's one write
lock: many workers, each with its own connection pool, racing for the same jobs grade each once."""

from __future__ import annotations

import threading
from dataclasses import replace

from queue_helpers import make_submissions, results
from sqlalchemy import create_engine, make_url

from harness import queue
from harness.backends import get_backend
from harness.queue.worker import Ending, Grader
from harness.store import Store


def _database(pg_url: str, name: str) -> str:
    admin = create_engine(pg_url, isolation_level="AUTOCOMMIT")
    try:
        with admin.connect() as conn:
            conn.exec_driver_sql(f"DROP DATABASE IF EXISTS {name}")
            conn.exec_driver_sql(f"CREATE DATABASE {name}")
    finally:
        admin.dispose()
    return make_url(pg_url).set(database=name).render_as_string(hide_password=False)


def test_eight_workers_racing_over_twenty_jobs_grade_each_once(pg_url, demo, config, script):
    url = _database(pg_url, "queue_race")
    store = Store(url)
    ids = make_submissions(store, demo, 20)
    queue.enqueue(store, ids)
    stores = [Store(url) for _ in range(8)]  # one pool per worker, as on separate machines
    graders = [
        Grader(s, get_backend("local"), replace(config, name=f"host{i}:1"), grade=script)
        for i, s in enumerate(stores)
    ]
    barrier = threading.Barrier(len(graders))
    endings: list[Ending] = []

    def work(grader: Grader) -> None:
        barrier.wait()
        while (claimed := grader.claim_next()) is not None:
            endings.append(grader.process(claimed).ending)

    threads = [threading.Thread(target=work, args=(g,)) for g in graders]
    for t in threads:
        t.start()
    for t in threads:
        t.join(60)
    try:
        assert endings.count(Ending.DONE) == 20 and len(endings) == 20
        assert sorted(script.calls) == sorted(ids)
        for sid in ids:
            assert len(results(store, sid)) == 1
        assert set(queue.states(store, ids).values()) == {"graded"}
    finally:
        for s in [store, *stores]:
            s.close()
