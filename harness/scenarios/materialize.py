"""Build the trees a scenario is judged on, for one variant.

pre-AI (repo/ rendered) → start (+ AI change: what the engineer receives) → reference (+ fix).
Hidden files are built separately and only ever go to a grading run, never into these trees.
"""

from __future__ import annotations

from collections.abc import Mapping

from harness.scenarios import patches
from harness.scenarios.manifest import VariableValue
from harness.scenarios.scenario import Scenario
from harness.scenarios.variants import render_file, render_tree

Values = Mapping[str, VariableValue]


def pre_ai_tree(scenario: Scenario, values: Values) -> dict[str, bytes]:
    """The codebase before the AI change."""
    return render_tree(scenario.repo_files(), values)


def ai_patch(scenario: Scenario, values: Values) -> str:
    return render_file(scenario, scenario.manifest.ai.patch, values)


def start_tree(
    scenario: Scenario, values: Values, *, pre_ai: Mapping[str, bytes] | None = None
) -> dict[str, bytes]:
    """What the engineer receives: the codebase with the AI change applied (on ``pre_ai`` when
    the caller has rendered it already)."""
    base = pre_ai_tree(scenario, values) if pre_ai is None else dict(pre_ai)
    return patches.apply(base, ai_patch(scenario, values), source=scenario.manifest.ai.patch)


def reference_patch(scenario: Scenario, values: Values) -> str:
    return render_file(scenario, scenario.manifest.reference.patch, values)


def reference_tree(
    scenario: Scenario, values: Values, *, start: Mapping[str, bytes] | None = None
) -> dict[str, bytes]:
    """The correct resolution: start tree (``start`` when already rendered) + reference fix."""
    return patches.apply(
        start_tree(scenario, values) if start is None else dict(start),
        reference_patch(scenario, values),
        source=scenario.manifest.reference.patch,
    )


def hidden_tree(scenario: Scenario, values: Values) -> dict[str, bytes]:
    """The hidden suites, rendered, keyed relative to ``hidden/``."""
    return render_tree(scenario.hidden_files(), values)


def sample_patch(scenario: Scenario, name: str, values: Values) -> tuple[str, str]:
    """A shipped sample submission: (diff against the start tree, REVIEW.md text)."""
    diff = render_file(scenario, f"samples/{name}/change.patch", values)
    review_path = scenario.path / "samples" / name / "REVIEW.md"
    review = review_path.read_text(encoding="utf-8") if review_path.exists() else ""
    return diff, review


def revert_everything_patch(scenario: Scenario, values: Values) -> str:
    """The submission that throws the AI change away wholesale."""
    return patches.make(start_tree(scenario, values), pre_ai_tree(scenario, values))
