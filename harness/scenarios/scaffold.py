"""``dsim scenario new`` and ``dsim pack new``: a small scenario (alone, or as the sample of a new
pack) that validates and passes ``scenario check`` as is.

Every file explains itself and points at docs/scenario-format.md; the author replaces the toy
codebase, change and tests with real ones.
"""

from __future__ import annotations

import re
from pathlib import Path

from harness.errors import InvalidInput
from harness.scenarios import patches
from harness.scenarios.manifest import ID_PATTERN

_PRE = {
    "src/greeter/__init__.py": '"""A toy package: replace it with the scenario\'s codebase."""\n'
    "\nfrom greeter.settings import GREETING\n\n\n"
    'def greet(name):\n    return f"{GREETING}, {name}"\n',
    "src/greeter/settings.py.j2": "# Rendered per engineer from [variables] in scenario.toml.\n"
    'GREETING = "{{ greeting }}"\n',
    "tests/test_greeter.py": "from greeter import greet\n\n\ndef test_greet_names_the_person():\n"
    '    assert greet("Ada").endswith("Ada")\n',
}
_AI = {  # what the assistant changed: a useful `shout` (keep) with a seeded flaw
    "src/greeter/loud.py": "from greeter import greet\n\n\ndef shout(name):\n"
    "    # The assistant forgot to strip the name first (the seeded flaw).\n"
    '    return greet(name).upper() + "!"\n',
}
_FIXED = {
    "src/greeter/loud.py": "from greeter import greet\n\n\ndef shout(name):\n"
    '    return greet(name.strip()).upper() + "!"\n',
}
_HIDDEN = {
    "test_loud.py": "# Hidden tests: never shown to the engineer. No conftest.py: fixtures live "
    "here.\nfrom greeter.loud import shout\n\n\n"
    'def test_shout_is_loud():\n    assert shout("ada").endswith("ADA!")\n\n\n'
    "def test_shout_ignores_surrounding_spaces():\n"
    '    assert shout("  ada ").endswith("ADA!")\n',
}

_MANIFEST = """\
# Every key is documented in docs/scenario-format.md.
schema = 1
id = "{id}"
title = "Add a loud greeting"
version = "0.1.0"
summary = "Add shout() to the greeter"
domain = "example"
difficulty = "intro"
time_budget_minutes = 20
skills = ["code-review"]
editable = ["src/**", "tests/**"]   # everything else is protected

[ai]
patch = "ai/change.patch"           # diff against repo/
transcript = "ai/transcript.md"

[reference]
patch = "reference/fix.patch"       # diff against repo/ + the AI change

[runtime]
requirements = []                   # pinned name==version, installed offline
timeout_seconds = 60
memory_mb = 256

[[flaws]]
id = "untrimmed-name"
title = "shout() does not strip the name"
category = "correctness"
severity = 2
locations = ["src/greeter/loud.py:4-6"]
tests = ["hidden/test_loud.py::test_shout_ignores_surrounding_spaces"]

[[keeps]]
id = "shout"
title = "The shout() helper"
tests = ["hidden/test_loud.py::test_shout_is_loud"]
locations = ["src/greeter/loud.py:1-6"]

[regression]
tests = ["tests"]

[variables]
greeting = ["Hello", "Hi", "Welcome"]
"""


def scaffold(scenario_id: str, target: Path) -> Path:
    """Write the skeleton to ``target``; refuse to overwrite anything."""
    if not re.fullmatch(ID_PATTERN, scenario_id):
        raise InvalidInput(
            f"{scenario_id!r} is not a valid scenario id",
            hint="use lowercase letters, digits and dashes, e.g. invoice-rounding",
        )
    if target.exists() and any(target.iterdir()):
        raise InvalidInput(f"{target} exists and is not empty", hint="choose another --dir")
    plain_pre = {k: v.encode() for k, v in _PRE.items()}
    ai_after = {**plain_pre, **{k: v.encode() for k, v in _AI.items()}}
    fixed = {**ai_after, **{k: v.encode() for k, v in _FIXED.items()}}
    files = {
        "scenario.toml": _MANIFEST.format(id=scenario_id),
        "BRIEF.md.j2": '# Add a loud greeting\n\nOur greeter says "{{ greeting }}". Product '
        "wants a `shout(name)` variant.\nThe AI assistant drafted it; review, fix "
        'and keep what is right.\n\n## Acceptance criteria\n\n- `shout("ada")` '
        "ends with `ADA!`\n- existing behaviour is unchanged\n\nTime budget: 20 "
        "minutes. List what you found in REVIEW.md.\n",
        "ai/change.patch": patches.make(plain_pre, ai_after),
        "ai/transcript.md": "**Engineer:** Can you add a shout() helper to the greeter?\n\n"
        "**Assistant:** Sure, here is `src/greeter/loud.py` with `shout()`.\n",
        "reference/fix.patch": patches.make(ai_after, fixed),
        "reference/REVIEW.md": "- src/greeter/loud.py:4-6 [correctness] shout() keeps "
        "surrounding spaces; strip the name first.\n",
    }
    for rel, text in {
        **files,
        **{f"repo/{k}": v for k, v in _PRE.items()},
        **{f"hidden/{k}": v for k, v in _HIDDEN.items()},
    }.items():
        path = target / rel
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(text)
    return target


PACK_NAME_PATTERN = r"[a-z0-9](?:[a-z0-9._-]*[a-z0-9])?"
"""A distribution name as pip normalises it (lowercase; letters, digits, ``.``, ``_``, ``-``)."""

_PACK_PYPROJECT = """\
# A dsim scenario pack: an ordinary Python distribution (docs/packs.md in dsim).
# Build it with `pip wheel --no-deps .` or `python -m build`; install the wheel only where grading
# happens (the dsim server and its workers), never on a candidate's machine.
[build-system]
requires = ["setuptools>=68"]
build-backend = "setuptools.build_meta"

[project]
name = "{name}"
version = "0.1.0"            # bump it with every release; bump a scenario's own version too
description = "Private dsim scenarios"
requires-python = ">=3.11"
# No dependency on dsim: a pack is data, read by the dsim installed beside it.

# What makes it a pack: the folder of scenarios, named by its package.
[project.entry-points."dsim.scenarios"]
{entry} = "{module}"

[tool.setuptools]
include-package-data = false

[tool.setuptools.packages.find]
where = ["src"]
include = ["{module}"]

[tool.setuptools.package-data]
{module} = ["**/*"]

[tool.setuptools.exclude-package-data]
{module} = ["**/__pycache__/*", "**/*.pyc"]
"""

_PACK_CI = """\
#!/bin/sh
# CI for this pack (needs dsim and a running Docker engine): every scenario must validate and
# prove itself sound in real runs. Commit the scenario.lock.json files `scenario check` writes.
set -eu
cd "$(dirname "$0")"
dsim scenario validate src/{module}/*/
dsim scenario check --runs 3 src/{module}/*/
"""

_PACK_README = """\
# {name}

A dsim scenario pack. Each folder under `src/{module}/` is one scenario
(docs/scenario-format.md in dsim); `{sample}` is a working sample to copy or replace.

- Add a scenario: `dsim scenario new my-id --dir src/{module}/my-id`
- Check everything and write the locks: `dsim pack check .` (CI runs `./ci.sh`)
- Build: `pip wheel --no-deps -w dist .`, then install the wheel where grading happens
- See it: `dsim scenarios list`

Scenario ids must be unique across every installed pack. Bump a scenario's `version` whenever its
content changes: dsim refuses a scenario whose content no longer matches the lock of its version.
"""


def pack_module(name: str) -> str:
    """The package name a pack called ``name`` keeps its scenarios in."""
    return re.sub(r"[^a-z0-9]+", "_", name.lower()).strip("_")


def scaffold_pack(name: str, target: Path) -> Path:
    """Write a pack skeleton to ``target`` (pyproject, CI script, a sample scenario that passes
    validation and ``scenario check``); refuse to overwrite anything."""
    if not re.fullmatch(PACK_NAME_PATTERN, name) or not pack_module(name).isidentifier():
        raise InvalidInput(
            f"{name!r} is not a valid pack name",
            hint="use lowercase letters, digits and dashes, e.g. acme-scenarios",
        )
    if target.exists() and any(target.iterdir()):
        raise InvalidInput(f"{target} exists and is not empty", hint="choose another --dir")
    module = pack_module(name)
    sample = f"{module.replace('_', '-')}-greeting"
    fields = {"name": name, "module": module, "entry": module, "sample": sample}
    files = {
        "pyproject.toml": _PACK_PYPROJECT.format(**fields),
        "ci.sh": _PACK_CI.format(**fields),
        "README.md": _PACK_README.format(**fields),
        ".gitignore": "build/\ndist/\n*.egg-info/\n__pycache__/\n",
        f"src/{module}/__init__.py": f'"""The {name} scenario pack: each sub-folder is one '
        'scenario (package data, not code)."""\n',
    }
    for rel, text in files.items():
        path = target / rel
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(text)
    (target / "ci.sh").chmod(0o755)
    scaffold(sample, target / "src" / module / sample)
    return target
