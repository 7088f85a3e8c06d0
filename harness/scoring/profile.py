"""The scoring profile: weights, prior, discount, half-life and thresholds in one TOML file.

The shipped default is ``harness/profiles/default.toml``; ``--profile FILE`` overlays a file that
may set only the keys it changes. Unknown keys are errors, listed all at once.
"""

from __future__ import annotations

import tomllib
from dataclasses import dataclass
from importlib import resources
from pathlib import Path
from typing import Any

from harness.errors import InvalidInput

DIMENSIONS = ("catch", "keep", "safety", "explain", "scope")
GAIN = ("catch", "explain")
"""What a person achieves; the other dimensions measure what their changes cost."""


@dataclass(frozen=True, kw_only=True)
class Profile:
    """Every knob of the judgment score (docs/scoring.md)."""

    alpha: float
    """Beta prior successes, per dimension."""
    beta: float
    """Beta prior failures, per dimension."""
    weights: dict[str, float]
    """Dimension weights, normalised within the gain (catch, explain) and within the cost (keep,
    safety, scope) dimensions: overall = gain × (1 − cost)."""
    simulation_discount: float
    """Weight of one simulation trial relative to one delivery record."""
    half_life_days: float
    """Evidence (simulation and delivery records) halves in weight every this many days."""
    interval: float
    """Credible interval mass (0.80 → 10th to 90th percentile)."""
    draws: int
    """Monte Carlo draws for overall scores and comparisons."""
    conflict_level: float
    """Simulation and delivery records disagree on a dimension when the probability that one is
    above the other exceeds this; the dimension then follows the records."""
    min_candidates: int
    min_responses_per_item: int
    penalty: float
    tie_margin: float
    cut_score: float | None = None
    """A cut score on the 0-100 scale for cohort evidence (selection rates, the error near the
    cut); None when the profile sets 0."""
    min_group_size: int = 5
    """Fairness: groups smaller than this are suppressed."""
    impact_ratio_flag: float = 0.8
    """Fairness: impact ratios under this are flagged (the four-fifths rule)."""


def _default() -> dict[str, Any]:
    text = resources.files("harness.scoring.profiles").joinpath("default.toml").read_text()
    return tomllib.loads(text)


def load_profile(path: Path | None = None) -> Profile:
    """The default profile, overlaid with ``path`` when given."""
    data = _default()
    if path is not None:
        try:
            overlay = tomllib.loads(path.read_text(encoding="utf-8"))
        except (OSError, tomllib.TOMLDecodeError) as exc:
            raise InvalidInput(f"cannot read profile {path}: {exc}") from exc
        problems = []
        for section, values in overlay.items():
            if section not in data or not isinstance(values, dict):
                problems.append(f"[{section}] is not a profile section (known: {', '.join(data)})")
                continue
            for key, value in values.items():
                if key not in data[section]:
                    problems.append(f"{section}.{key} is not a profile key")
                elif not isinstance(value, int | float) or isinstance(value, bool):
                    problems.append(f"{section}.{key} must be a number")
                else:
                    data[section][key] = value
        if problems:
            raise InvalidInput(f"profile {path} is invalid", problems=problems)
    weights = {d: float(data["weights"].get(d, 0.0)) for d in DIMENSIONS}
    gain = sum(weights[d] for d in GAIN)
    cost = sum(w for d, w in weights.items() if d not in GAIN)
    if gain <= 0 or cost <= 0 or any(w < 0 for w in weights.values()):
        raise InvalidInput(
            "profile weights must be non-negative, with catch + explain > 0 and "
            "keep + safety + scope > 0"
        )
    ev, diff, cohort = data["evidence"], data["difficulty"], data["cohort"]
    if (
        not 0 < ev["interval"] < 1
        or ev["half_life_days"] <= 0
        or ev["draws"] < 100
        or not 0.5 < ev["conflict_level"] < 1
        or data["prior"]["alpha"] <= 0
        or data["prior"]["beta"] <= 0
        or not 0 <= cohort["cut_score"] <= 100
        or cohort["min_group_size"] < 1
        or not 0 < cohort["impact_ratio_flag"] <= 1
    ):
        raise InvalidInput(
            "profile: prior alpha and beta > 0; evidence interval in (0, 1), half_life_days > 0, "
            "draws >= 100, conflict_level in (0.5, 1); cohort cut_score in [0, 100] (0: none), "
            "min_group_size >= 1, impact_ratio_flag in (0, 1]"
        )
    return Profile(
        alpha=float(data["prior"]["alpha"]),
        beta=float(data["prior"]["beta"]),
        weights={d: w / (gain if d in GAIN else cost) for d, w in weights.items()},
        simulation_discount=float(ev["simulation_discount"]),
        half_life_days=float(ev["half_life_days"]),
        interval=float(ev["interval"]),
        draws=int(ev["draws"]),
        conflict_level=float(ev["conflict_level"]),
        min_candidates=int(diff["min_candidates"]),
        min_responses_per_item=int(diff["min_responses_per_item"]),
        penalty=float(diff["penalty"]),
        tie_margin=float(data["comparison"]["tie_margin"]),
        cut_score=float(cohort["cut_score"]) if cohort["cut_score"] else None,
        min_group_size=int(cohort["min_group_size"]),
        impact_ratio_flag=float(cohort["impact_ratio_flag"]),
    )


@dataclass(frozen=True, kw_only=True)
class Retention:
    """How long candidate data is kept (the profile's ``[retention]``; docs/privacy.md)."""

    diffs_days: int
    """A graded submission's raw diff is blanked this many days after it was submitted."""
    reviews_days: int
    """A graded submission's REVIEW.md text is blanked this many days after it was submitted."""
    unused_invites_days: int
    """An invite never opened is removed this many days after it expired."""


def load_retention(path: Path | None = None) -> Retention:
    """The ``[retention]`` policy of the default profile, overlaid with ``path``'s when given.

    Raises:
        InvalidInput: the file cannot be read, or a retention key is unknown or not a whole number
            of days >= 1 (every problem listed).
    """
    values = dict(_default()["retention"])
    if path is not None:
        try:
            overlay = tomllib.loads(path.read_text(encoding="utf-8")).get("retention", {})
        except (OSError, tomllib.TOMLDecodeError) as exc:
            raise InvalidInput(f"cannot read profile {path}: {exc}") from exc
        values.update(overlay)
    problems = [
        f"retention.{key} is not a retention key"
        for key in values
        if key not in Retention.__dataclass_fields__
    ]
    problems += [
        f"retention.{key} must be a whole number of days >= 1 (got {value!r})"
        for key, value in values.items()
        if key in Retention.__dataclass_fields__
        and (not isinstance(value, int) or isinstance(value, bool) or value < 1)
    ]
    if problems:
        raise InvalidInput(f"profile {path} is invalid", problems=problems)
    return Retention(**values)
