"""Rendering HTML reports: one jinja2 environment, chart geometry and colours.

Invariants every rendered page keeps: it is one self-contained file (inline CSS and inline SVG, no
scripts, no external fonts, images or URLs), and every value that came from a candidate — name,
REVIEW.md, diff — reaches the page escaped. Autoescaping is on for every template and the only
``Markup`` the templates receive is built here or in :mod:`harness.reports.diffview` from escaped
text.
"""

from __future__ import annotations

import tomllib
from dataclasses import dataclass
from datetime import datetime
from functools import cache
from importlib import resources
from typing import Any

#: Colour of each dimension in every chart (colour-blind safe, prints legibly in grey).
DIMENSION_COLOURS = {
    "overall": "#1f4e79",
    "catch": "#0072b2",
    "keep": "#009e73",
    "safety": "#cc79a7",
    "explain": "#e69f00",
    "scope": "#56b4e9",
}

#: What each dimension means, in one line, for chart captions.
DIMENSION_HELP = {
    "catch": "seeded flaws fixed, weighted by severity",
    "keep": "the AI's correct work preserved",
    "safety": "behaviour that worked before still works",
    "explain": "REVIEW.md named the flaws, and little else",
    "scope": "changes confined to what the ticket needs",
}


@dataclass(frozen=True, kw_only=True)
class Interval:
    """A point estimate and its credible interval, all in [0, 1]."""

    mean: float
    """The point estimate: what the evidence shows."""
    low: float
    """Lower end of the credible interval (where the true level lies)."""
    high: float
    """Upper end of the credible interval."""
    measured: bool = True
    """False without any evidence: the numbers are the prior's."""

    @property
    def text(self) -> str:
        """``57.7 (42–72)`` on the 0–100 scale the reports use; ``n/a`` without evidence."""
        if not self.measured:
            return "n/a (no evidence)"
        return f"{self.mean * 100:.1f} ({self.low * 100:.0f}–{self.high * 100:.0f})"


def interval_of(score: Any) -> Interval:
    """An :class:`Interval` from a scoring ``DimensionScore`` (anything with mean/low/high)."""
    return Interval(
        mean=float(score.mean),
        low=float(score.low),
        high=float(score.high),
        measured=bool(getattr(score, "measured", True)),
    )


def heat(p: float) -> tuple[str, str]:
    """(background, text colour) for a probability: red below ½, white at ½, blue above."""
    p = min(max(p, 0.0), 1.0)
    white, blue, red = (247, 247, 247), (33, 102, 172), (178, 24, 43)
    far, t = (blue, (p - 0.5) * 2) if p >= 0.5 else (red, (0.5 - p) * 2)
    rgb = tuple(round(w + (f - w) * t) for w, f in zip(white, far, strict=True))
    text = "#ffffff" if t > 0.55 else "#1b1b1b"
    return "#{:02x}{:02x}{:02x}".format(*rgb), text


def ordinal(n: float) -> str:
    """``62nd`` for 62.4: percentiles read as ordinals."""
    k = round(n)
    suffix = "th" if 10 <= k % 100 <= 20 else {1: "st", 2: "nd", 3: "rd"}.get(k % 10, "th")
    return f"{k}{suffix}"


def duration(seconds: float | None) -> str:
    """``1 h 05 min`` / ``23 min`` / ``not recorded``."""
    if seconds is None:
        return "not recorded"
    minutes = round(seconds / 60)
    return f"{minutes // 60} h {minutes % 60:02d} min" if minutes >= 60 else f"{minutes} min"


def day(moment: datetime | None) -> str:
    return moment.strftime("%Y-%m-%d") if moment else "—"


@cache
def practice() -> dict[str, Any]:
    """The advice texts of the candidate view (``templates/practice.toml``)."""
    text = resources.files("harness.reports").joinpath("templates/practice.toml").read_text("utf-8")
    return tomllib.loads(text)


@cache
def environment() -> Any:
    """The one jinja2 environment: package templates, autoescape always, undefined is an error."""
    import jinja2

    env = jinja2.Environment(
        loader=jinja2.PackageLoader("harness.reports", "templates"),
        autoescape=True,
        undefined=jinja2.StrictUndefined,
        trim_blocks=True,
        lstrip_blocks=True,
        extensions=["jinja2.ext.do"],
    )
    env.globals.update(colours=DIMENSION_COLOURS, dimension_help=DIMENSION_HELP, heat=heat)
    env.filters.update(ordinal=ordinal, duration=duration, day=day)
    return env


def render(template: str, *, generated_at: datetime, interval_mass: float, **context: Any) -> str:
    """Render one of the package's templates to a complete HTML document."""
    html: str = (
        environment()
        .get_template(template)
        .render(generated_at=generated_at, interval_mass=interval_mass, **context)
    )
    return html
