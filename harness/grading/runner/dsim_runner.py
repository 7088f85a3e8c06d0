"""Runs hidden tests inside a sandbox and reports through a channel candidate code did not open.

Started as ``python -I -B dsim_runner.py CONFIG.json`` (isolated: no PYTHON* variables, no user
site, no current directory on sys.path). It

1. saves the real stdout fd, then points fd 1 at stderr, so nothing the tests print can pose as the
   report;
2. snapshots pytest's reporting machinery (every attribute of ``_pytest``/``pytest``/``pluggy``
   modules and their classes) and the registered plugins before candidate code is imported;
3. runs pytest with the harness's own ini, rootdir, ``--noconftest``, no plugin autoload and no
   cache, writing JUnit XML to a fresh private folder;
4. records every test report itself, compares the snapshot again, records atexit registrations
   made by code under test (pytest's own aside), counts threads, reads the JUnit file with a size
   cap, writes one JSON report framed by a nonce to the saved fd, and leaves with ``os._exit`` so
   that atexit hooks planted by candidate code never run.

While pytest runs, the runner also writes a progress line on the saved fd when a test (or the
import of a test module) starts and ends; the host's watch reads them to stop a test that passes
the per-test limit and runs the rest in a fresh sandbox, leaving out the tests named in the
config's ``skip``.

A missing report means the process was ended early (``os._exit`` in candidate code, a crash, a
kill). Standard library and pytest only: this file runs on the image's Python.
"""

import atexit
import base64
import contextlib
import json
import os
import sys
import threading

import _pytest
import pluggy
import pytest  # the image's own pytest: imported before the tree is on sys.path


def _finding(code, message):
    """A finding as the host reads it: the code decides (harness.result.FindingCode), the
    message explains."""
    return {"code": code, "message": message}


def _snapshot():
    state = {}
    for name, module in list(sys.modules.items()):
        if module is None or not (name == "pytest" or name.startswith(("_pytest", "pluggy"))):
            continue
        for attr, value in list(vars(module).items()):
            state[f"{name}.{attr}"] = id(value)
            if isinstance(value, type) and value.__module__ == name:
                for cattr, cvalue in list(vars(value).items()):
                    state[f"{name}.{attr}.{cattr}"] = id(cvalue)
    return state


def _diff(before, after):
    changed = sorted(k for k in before if k in after and before[k] != after[k])
    removed = sorted(k for k in before if k not in after)
    return changed + [f"{k} (removed)" for k in removed]


class Guard:
    """A pytest plugin owned by the harness: it watches the run from the inside."""

    def __init__(self):
        self.reports = {}
        self.atexit_added = []
        """The files that registered atexit hooks during the run (pytest's and pluggy's aside)."""
        self.plugins_before = None
        self.snapshot_before = None
        self.hooks_before = None

    def _hook_impls(self, config):
        impls = {}
        for name in dir(config.hook):
            hook = getattr(config.hook, name, None)
            get = getattr(hook, "get_hookimpls", None)
            if get is not None:
                impls[name] = sorted(repr(getattr(i, "plugin_name", "?")) for i in get())
        return impls

    @pytest.hookimpl(trylast=True)
    def pytest_sessionstart(self, session):
        # Runs last among session-start hooks; collection (which imports candidate code) has
        # not started yet.
        config = session.config
        self._watch_atexit()
        self.plugins_before = sorted(repr(type(p)) for p in config.pluginmanager.get_plugins())
        self.hooks_before = self._hook_impls(config)
        self.snapshot_before = _snapshot()
        self.config = config

    def _watch_atexit(self):
        """Record atexit registrations made by anything but pytest and pluggy: pytest's own
        tmp_path registers cleanup hooks, which are no sign of tampering (counting every
        registration reported them for every honest run that used tmp_path). Candidate code is
        imported after this, so ``atexit.register`` and ``from atexit import register`` both
        reach the recorder."""
        original = atexit.register
        own = tuple(os.path.dirname(m.__file__) + os.sep for m in (_pytest, pluggy))
        own += (os.path.abspath(pytest.__file__),)

        def register(func, *args, **kwargs):
            caller = sys._getframe(1).f_code.co_filename
            if not os.path.abspath(caller).startswith(own):
                self.atexit_added.append(caller)
            return original(func, *args, **kwargs)

        atexit.register = register

    def pytest_runtest_logreport(self, report):
        outcome = report.outcome
        if hasattr(report, "wasxfail"):
            outcome = "xfailed" if report.skipped else "xpassed"
        entry = self.reports.setdefault(report.nodeid, {})
        entry[report.when] = outcome

    def pytest_collectreport(self, report):
        if report.failed:
            self.reports.setdefault(report.nodeid or "<collection>", {})["collect"] = "failed"

    @pytest.hookimpl(tryfirst=True)
    def pytest_sessionfinish(self, session):
        # Runs first among session-finish hooks, before pytest undoes its own configuration.
        self.snapshot_after = _snapshot()
        self.plugins_after = sorted(repr(type(p)) for p in self.config.pluginmanager.get_plugins())
        self.hooks_after = self._hook_impls(self.config)

    def findings(self):
        out = []
        if self.snapshot_before is None:
            return [_finding("session-not-started", "the session never started")]
        if getattr(self, "snapshot_after", None) is None:
            return [_finding("session-not-finished", "the session never finished normally")]
        changed = _diff(self.snapshot_before, self.snapshot_after)
        if changed:
            out.append(
                _finding(
                    "internals-modified",
                    "pytest internals were modified: " + ", ".join(changed[:12]),
                )
            )
        if self.plugins_after != self.plugins_before:
            extra = sorted(set(self.plugins_after) - set(self.plugins_before))
            out.append(
                _finding(
                    "plugin-registered",
                    "plugins were registered during the run: " + ", ".join(extra[:8]),
                )
            )
        if self.hooks_after != self.hooks_before:
            out.append(_finding("hooks-changed", "hook implementations changed during the run"))
        if self.atexit_added:
            out.append(
                _finding(
                    "atexit-added",
                    f"{len(self.atexit_added)} atexit hook(s) registered by the code under test "
                    "(never run: the runner leaves with os._exit)",
                )
            )
        return out


class Progress:
    """Says what pytest is doing, as it does it: one framed line on the report channel when a
    test (or the import of a test module) starts and ends. The host's watch reads these lines to
    stop a test that passes the per-test limit; they are hints for the watch, never results.
    Tests the host names in ``skip`` (stopped in an earlier attempt) are deselected."""

    def __init__(self, fd, nonce, skip):
        self.fd, self.prefix, self.skip = fd, f"{nonce}-P ", set(skip)

    def _say(self, kind, nodeid):
        line = f"\n{self.prefix}{kind} {nodeid}".replace("\r", " ")[:2000] + "\n"
        with contextlib.suppress(OSError):
            os.write(self.fd, line.encode("utf-8", "replace"))

    def pytest_collectstart(self, collector):
        if collector.nodeid.endswith(".py"):
            self._say("C", collector.nodeid)

    def pytest_collectreport(self, report):
        if report.nodeid.endswith(".py"):
            self._say("c", report.nodeid)

    def pytest_collection_modifyitems(self, session, config, items):
        gone = [i for i in items if i.nodeid in self.skip]
        if gone:
            config.hook.pytest_deselected(items=gone)
            items[:] = [i for i in items if i.nodeid not in self.skip]

    def pytest_runtest_logstart(self, nodeid, location):
        self._say("S", nodeid)

    def pytest_runtest_logfinish(self, nodeid, location):
        self._say("E", nodeid)


def main():
    with open(sys.argv[1], encoding="utf-8") as handle:
        cfg = json.load(handle)
    report_fd = os.dup(1)
    os.dup2(2, 1)
    os.environ.clear()
    os.environ.update(
        {
            "PYTEST_DISABLE_PLUGIN_AUTOLOAD": "1",
            "HOME": cfg["scratch"],
            "TMPDIR": cfg["scratch"],
            "LANG": "C.UTF-8",
            "PATH": "/usr/bin:/bin",
        }
    )
    tree = cfg["tree"]
    # The hidden folder first: hidden tests import their shared helpers (hidden/_support.py) by
    # name, and a module of the candidate's must not stand in for one.
    for entry in reversed([cfg["hidden"], tree, os.path.join(tree, "src")]):
        sys.path.insert(0, entry)
    threads_before = threading.active_count()

    os.makedirs(cfg["scratch"], exist_ok=True)
    junit = os.path.join(cfg["scratch"], "junit.xml")
    guard = Guard()
    progress = Progress(report_fd, cfg["nonce"], cfg.get("skip", []))
    args = [
        "-c", cfg["ini"], "--rootdir", tree, "--noconftest",
        "-p", "no:cacheprovider", "-p", "no:randomly", "-p", "no:xdist", "-p", "no:anyio",
        "--continue-on-collection-errors", "--import-mode=importlib",
        "--junitxml", junit, "-o", "junit_family=xunit1", "-o", "junit_logging=no",
        "-q", "-rN", "--tb=short", "--color=no", "-W", "ignore::DeprecationWarning",
        *cfg["selectors"],
    ]  # fmt: skip
    error = None
    try:
        code = int(pytest.main(args, plugins=[guard, progress]))
    except BaseException as exc:  # noqa: BLE001 - SystemExit from candidate code included
        code, error = -1, f"{type(exc).__name__}: {exc}"
    findings = guard.findings()
    if threading.active_count() > threads_before:
        findings.append(
            _finding(
                "threads-left-running",
                "threads started by code under test were still running at the end",
            )
        )
    data = b""
    try:
        fd = os.open(junit, os.O_RDONLY | os.O_NOFOLLOW)
        with os.fdopen(fd, "rb") as handle:
            data = handle.read(cfg["junit_cap"] + 1)
    except OSError as exc:
        findings.append(
            _finding("junit-unreadable", f"the JUnit file could not be read: {exc.strerror}")
        )
    payload = json.dumps(
        {
            "exit_code": code,
            "error": error,
            "reports": guard.reports,
            "findings": findings,
            "junit": base64.b64encode(data).decode(),
        }
    )
    frame = f"\n{cfg['nonce']}-BEGIN\n{payload}\n{cfg['nonce']}-END\n".encode()
    view = memoryview(frame)
    while view:
        view = view[os.write(report_fd, view) :]
    os._exit(0)


if __name__ == "__main__":
    main()
