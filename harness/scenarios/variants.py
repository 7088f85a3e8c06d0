"""Seeded variants: which value each ``[variables]`` entry takes, and rendering ``.j2`` files.

The same (candidate, scenario) always yields the same seed, so a candidate always gets the same
variant; the values are drawn with a private ``random.Random`` so nothing global is disturbed.
"""

from __future__ import annotations

import hashlib
import random
from collections.abc import Mapping
from dataclasses import dataclass

import jinja2

from harness.scenarios.manifest import VariableValue
from harness.scenarios.scenario import TEMPLATE_SUFFIX, Scenario


class RenderError(Exception):
    """A template failed to render; ``path`` names the file."""

    def __init__(self, path: str, message: str) -> None:
        super().__init__(f"{path}: {message}")
        self.path = path
        self.message = message


@dataclass(frozen=True, kw_only=True)
class Variant:
    """The values one engineer's copy of a scenario is rendered with."""

    seed: int
    """The seed the values were drawn from."""
    values: Mapping[str, VariableValue]
    """One value per variable."""


def default_seed(candidate: str, scenario_id: str) -> int:
    """Deterministic seed for (candidate, scenario): same pair, same variant."""
    digest = hashlib.sha256(f"{candidate}\0{scenario_id}".encode()).digest()
    return int.from_bytes(digest[:4], "big")


def draw(scenario: Scenario, seed: int) -> Variant:
    """Draw one value per variable from ``seed``."""
    rng = random.Random(seed)
    values = {
        name: rng.choice(list(options))
        for name, options in sorted(scenario.manifest.variables.items())
    }
    return Variant(seed=seed, values=values)


def all_variants(scenario: Scenario, limit: int = 16) -> list[dict[str, VariableValue]]:
    """Every combination of variable values (or the first/last of each, past ``limit``)."""
    combos: list[dict[str, VariableValue]] = [{}]
    for name, options in sorted(scenario.manifest.variables.items()):
        combos = [{**c, name: v} for c in combos for v in options]
    if len(combos) <= limit:
        return combos
    variables = scenario.manifest.variables
    return [{n: v[0] for n, v in variables.items()}, {n: v[-1] for n, v in variables.items()}]


# Scenario files are code and Markdown, not HTML: escaping would corrupt them. Their values come
# from the scenario's own manifest, never from a candidate.
_ENV = jinja2.Environment(
    undefined=jinja2.StrictUndefined,
    keep_trailing_newline=True,
    autoescape=False,  # noqa: S701
)


def render_text(path: str, text: str, values: Mapping[str, VariableValue]) -> str:
    """Render one template; raise RenderError naming ``path`` on any failure."""
    try:
        return _ENV.from_string(text).render(**values)
    except jinja2.TemplateSyntaxError as exc:
        raise RenderError(path, f"line {exc.lineno}: {exc.message}") from exc
    except jinja2.UndefinedError as exc:
        raise RenderError(path, f"{exc.message} (declare it under [variables])") from exc
    except Exception as exc:
        raise RenderError(path, str(exc)) from exc


def render_tree(
    files: Mapping[str, bytes], values: Mapping[str, VariableValue]
) -> dict[str, bytes]:
    """Render every ``.j2`` file of a tree (dropping the suffix); copy the rest as is."""
    out: dict[str, bytes] = {}
    for rel, data in files.items():
        if rel.endswith(TEMPLATE_SUFFIX):
            target = rel[: -len(TEMPLATE_SUFFIX)]
            try:
                text = data.decode("utf-8")
            except UnicodeDecodeError as exc:
                raise RenderError(rel, "templates must be UTF-8 text") from exc
            out[target] = render_text(rel, text, values).encode("utf-8")
        else:
            out[rel] = data
    return out


def render_file(scenario: Scenario, relpath: str, values: Mapping[str, VariableValue]) -> str:
    """Read a scenario file (or its ``.j2`` template, rendered) as text."""
    path = scenario.file(relpath)
    text = path.read_text(encoding="utf-8")
    if path.name.endswith(TEMPLATE_SUFFIX):
        return render_text(path.relative_to(scenario.path).as_posix(), text, values)
    return text
