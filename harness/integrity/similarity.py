"""Similarity between candidates' own work on one scenario, for a human to look at.

Each submission is reduced to what the candidate wrote themselves: the lines their diff adds (the
diff is taken against the start tree, so the base codebase and the AI change are never theirs) and
their REVIEW.md. Before comparing, each candidate's rendered variant values are put back as
``{{name}}`` placeholders, so per-candidate variants cannot hide a copy. Code is tokenised by
Pygments and fingerprinted by winnowing (copydetect: names become one token, so renaming does not
hide a copy, and fingerprints are position-free, so reordering functions does not either). Whatever
a candidate could not help sharing is boilerplate and never counts: the start tree (base + AI
change), the reference fix, the ticket, the transcript and the REVIEW.md template.

Invariants: a flag is evidence for an assessor, never an input to a verdict or a score (nothing
in grading or scoring imports this module); pairs are computed on demand and never stored, so
erasing a person leaves no pair behind.
"""

from __future__ import annotations

import re
from collections import Counter
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from io import StringIO
from itertools import combinations
from typing import Any

from harness.scenarios import materialize, patches
from harness.scenarios.manifest import VariableValue
from harness.scenarios.scenario import BRIEF, Scenario
from harness.scenarios.variants import render_file
from harness.workspace import review_notes

#: Fragments shown per side of a flagged pair, longest first.
FRAGMENTS = 4
#: Characters of one fragment shown at most.
FRAGMENT_CHARS = 600


@dataclass(frozen=True, kw_only=True)
class Settings:
    """How similar is too similar. The defaults flag a copied fix (renamed, reordered) and none of
    the independent fixes in the test cohort; see docs/privacy.md for how they were chosen."""

    k: int = 25
    """Length of a fingerprinted k-gram, in filtered code characters (copydetect's noise
    threshold: shared runs shorter than this never count)."""
    window: int = 6
    """Winnowing window: any shared run of ``k + window - 1`` characters is guaranteed found."""
    threshold: float = 0.6
    """A pair is flagged when either side has at least this share of its own tokens in common."""
    min_tokens: int = 60
    """A document with fewer own (non-boilerplate) filtered characters is too small to compare:
    a two-line fix looks like every other two-line fix."""
    review_k: int = 40
    """k-gram length for REVIEW.md prose (normalised to lower-case words)."""


@dataclass(frozen=True, kw_only=True)
class Entry:
    """One candidate's latest submission to the scenario."""

    submission_id: str
    candidate: str
    diff: str
    review: str
    values: Mapping[str, VariableValue]
    """The candidate's variant values (``draw(scenario, seed).values``)."""


@dataclass(frozen=True, kw_only=True)
class Match:
    """How much of one kind of document two submissions share."""

    kind: str
    """``code`` or ``review``."""
    share_a: float
    """Share of A's own tokens found in B (0..1)."""
    share_b: float
    """Share of B's own tokens found in A (0..1)."""
    fragments_a: tuple[str, ...]
    """A's matching fragments, longest first (variant values shown as placeholders)."""
    fragments_b: tuple[str, ...]
    """B's matching fragments, longest first."""

    @property
    def score(self) -> float:
        return max(self.share_a, self.share_b)


@dataclass(frozen=True, kw_only=True)
class Pair:
    """Two submissions whose own work is similar enough for a human to compare."""

    scenario_id: str
    a: str
    """Candidate id of one side."""
    b: str
    """Candidate id of the other."""
    submission_a: str
    submission_b: str
    matches: tuple[Match, ...]
    """Every kind of document over the threshold."""

    @property
    def score(self) -> float:
        return max(m.score for m in self.matches)

    def names(self, candidate: str) -> bool:
        return candidate in (self.a, self.b)


@dataclass(frozen=True, kw_only=True)
class ScenarioSimilarity:
    """One scenario's comparison: how many were compared, and the flagged pairs."""

    scenario_id: str
    compared: int
    """Submissions with enough own work to compare."""
    too_small: tuple[str, ...] = ()
    """Candidates whose own code and review were both under ``min_tokens``."""
    pairs: tuple[Pair, ...] = field(default=())


# -- documents ------------------------------------------------------------------------------------


def placeholders(text: str, values: Mapping[str, VariableValue]) -> str:
    """``text`` with each rendered variant value put back as ``{{name}}`` (longest value first,
    whole words only, so ``EUR`` in ``EURO`` stays)."""
    shown = {
        name: str(value)
        for name, value in values.items()
        if not isinstance(value, bool) and str(value).strip()
    }
    for name, value in sorted(shown.items(), key=lambda nv: -len(nv[1])):
        text = re.sub(rf"(?<![\w.]){re.escape(value)}(?![\w.])", "{{" + name + "}}", text)
    return text


def own_code(diff: str) -> str:
    """The lines a diff adds, file by file in path order (what the candidate wrote)."""
    out = []
    for change in sorted(patches.parse(diff, source="submission"), key=lambda c: c.path):
        if change.binary or change.symlink:
            continue
        added = [
            line[1:]
            for line in change.text.splitlines()
            if line.startswith("+") and not line.startswith("+++")
        ]
        if added:
            out.append("\n".join(added))
    return "\n".join(out) + ("\n" if out else "")


_WORDS = re.compile(r"[^\W_]+|\{\{\w+\}\}")
#: A finding's ``- path:START-END [category]`` prefix: the format dictates it, so everyone who
#: found the same flaw shares it.
_FINDING_PREFIX = re.compile(r"^\s*[-*]\s*\S+:\d+(?:-\d+)?\s*(?:\[[^\]]*\])?", re.MULTILINE)


def prose(text: str) -> str:
    """Review prose as lower-case words separated by one space (layout, case and the findings'
    location prefixes never count)."""
    return " ".join(w.casefold() for w in _WORDS.findall(_FINDING_PREFIX.sub(" ", text)))


# -- fingerprints ----------------------------------------------------------------------------------


def _fingerprint(text: str, settings: Settings, *, code: bool, boilerplate: Any = None) -> Any:
    from copydetect import CodeFingerprint

    return CodeFingerprint(
        "own.py" if code else "review.txt",
        settings.k if code else settings.review_k,
        settings.window,
        boilerplate=boilerplate,
        filter=code,
        fp=StringIO(text),
    )


def _all_hashes(texts: Iterable[str], settings: Settings, *, code: bool) -> Any:
    import numpy as np
    from copydetect import CodeFingerprint

    k = settings.k if code else settings.review_k
    hashes: set[int] = set()
    for text in texts:
        hashes |= CodeFingerprint(
            "base.py" if code else "base.txt", k, 1, filter=code, fp=StringIO(text)
        ).hashes
    return np.array(sorted(hashes))


@dataclass(frozen=True, kw_only=True)
class Boilerplate:
    """Fingerprints nobody gets credit or blame for, in placeholder form."""

    code: Any
    review: Any


def boilerplate(
    scenario: Scenario, values: Mapping[str, VariableValue], settings: Settings
) -> Boilerplate:
    """The scenario's shared text, rendered with ``values`` and put back to placeholders: every
    text file of the start tree (base + AI change), the reference fix's added lines, the ticket,
    the transcript, the REVIEW.md template and the reference REVIEW.md."""
    start = materialize.start_tree(scenario, values)
    code = [data.decode("utf-8", "replace") for data in start.values()]
    if scenario.file(scenario.manifest.reference.patch).exists():
        code.append(own_code(materialize.reference_patch(scenario, values)))
    texts = [
        render_file(scenario, BRIEF, values),
        render_file(scenario, scenario.manifest.ai.transcript, values),
        review_notes.TEMPLATE,
    ]
    review_ref = scenario.path / scenario.manifest.reference.review
    if review_ref.exists():
        texts.append(review_ref.read_text(encoding="utf-8"))
    code = [placeholders(text, values) for text in code]
    texts = [prose(placeholders(text, values)) for text in [*texts, *code]]
    return Boilerplate(
        code=_all_hashes(code, settings, code=True),
        review=_all_hashes(texts, settings, code=False),
    )


def _union(parts: Sequence[Boilerplate]) -> Boilerplate:
    import numpy as np

    return Boilerplate(
        code=np.unique(np.concatenate([p.code for p in parts])),
        review=np.unique(np.concatenate([p.review for p in parts])),
    )


@dataclass(frozen=True, kw_only=True)
class _Prints:
    entry: Entry
    code: Any
    review: Any


def _usable(fingerprint: Any, settings: Settings) -> bool:
    return bool(fingerprint.token_coverage >= settings.min_tokens)


def _fragments(fingerprint: Any, slices: Any) -> tuple[str, ...]:
    spans = sorted(zip(slices[0], slices[1], strict=True), key=lambda s: s[0] - s[1])
    out = []
    raw = fingerprint.raw_code
    for start, end in spans[:FRAGMENTS]:
        # Whole lines: the k-gram positions map back to the raw text only approximately.
        first = raw.rfind("\n", 0, int(start)) + 1
        last = raw.find("\n", int(end))
        text = raw[first : len(raw) if last < 0 else last].strip("\n")
        out.append(text if len(text) <= FRAGMENT_CHARS else text[: FRAGMENT_CHARS - 1] + "…")
    return tuple(out)


def _match(kind: str, one: Any, other: Any) -> Match | None:
    from copydetect import compare_files

    overlap, (share_a, share_b), (slices_a, slices_b) = compare_files(one, other)
    if not overlap:
        return None
    return Match(
        kind=kind,
        share_a=min(1.0, float(share_a)),
        share_b=min(1.0, float(share_b)),
        fragments_a=_fragments(one, slices_a),
        fragments_b=_fragments(other, slices_b),
    )


def _shared_pairs(prints: Sequence[Any], share: float, k: int) -> set[tuple[int, int]]:
    """Index pairs worth comparing in full, from an inverted index of fingerprints (so a cohort of
    independent work costs far less than comparing every pair in full).

    A shared fingerprint covers at most ``k`` tokens per place it occurs, so a side reaches
    ``share`` of its covered tokens only with ``share * coverage / k`` shared fingerprints; the
    bound is halved for fingerprints that occur twice in one document. Pairs below it cannot be
    flagged and are skipped (a test checks the index against comparing every pair).
    """
    owners: dict[int, list[int]] = {}
    for i, fingerprint in enumerate(prints):
        if fingerprint is None:
            continue
        for h in fingerprint.hashes:
            owners.setdefault(h, []).append(i)
    counts: Counter[tuple[int, int]] = Counter()
    for holders in owners.values():
        if len(holders) > 1:
            counts.update(combinations(holders, 2))
    return {
        (i, j)
        for (i, j), n in counts.items()
        if n * 2 * k >= share * min(prints[i].token_coverage, prints[j].token_coverage)
    }


def compare(
    scenario: Scenario, entries: Sequence[Entry], settings: Settings | None = None
) -> ScenarioSimilarity:
    """Every pair of ``entries`` (one per candidate) compared on their own code and review."""
    settings = settings or Settings()
    if not entries:
        return ScenarioSimilarity(scenario_id=scenario.id, compared=0)
    # The boilerplate of every variant in the cohort: a value that also occurs literally in the
    # scenario (a test's fixed "USD" beside the variant's currency) is put back to a placeholder
    # in one variant and not in another.
    variants = {tuple(sorted((k, str(v)) for k, v in e.values.items())): e.values for e in entries}
    shared = _union([boilerplate(scenario, values, settings) for values in variants.values()])
    prints = []
    small = []
    for entry in entries:
        code = _fingerprint(
            placeholders(own_code(entry.diff), entry.values),
            settings,
            code=True,
            boilerplate=shared.code,
        )
        review = _fingerprint(
            prose(placeholders(entry.review, entry.values)),
            settings,
            code=False,
            boilerplate=shared.review,
        )
        usable_code, usable_review = _usable(code, settings), _usable(review, settings)
        if not (usable_code or usable_review):
            small.append(entry.candidate)
        prints.append(
            _Prints(
                entry=entry,
                code=code if usable_code else None,
                review=review if usable_review else None,
            )
        )
    pairs = []
    for kind in ("code", "review"):
        docs = [getattr(p, kind) for p in prints]
        k = settings.k if kind == "code" else settings.review_k
        for i, j in sorted(_shared_pairs(docs, settings.threshold, k)):
            match = _match(kind, docs[i], docs[j])
            if match is None or match.score < settings.threshold:
                continue
            pairs.append((i, j, match))
    by_pair: dict[tuple[int, int], list[Match]] = {}
    for i, j, match in pairs:
        by_pair.setdefault((i, j), []).append(match)
    flagged = [
        Pair(
            scenario_id=scenario.id,
            a=prints[i].entry.candidate,
            b=prints[j].entry.candidate,
            submission_a=prints[i].entry.submission_id,
            submission_b=prints[j].entry.submission_id,
            matches=tuple(matches),
        )
        for (i, j), matches in by_pair.items()
    ]
    flagged.sort(key=lambda p: (-p.score, p.a, p.b))
    return ScenarioSimilarity(
        scenario_id=scenario.id,
        compared=len(entries) - len(small),
        too_small=tuple(small),
        pairs=tuple(flagged),
    )
