"""Bootstrap helpers the cohort analyses share: every resample at once, as rows of a matrix."""

from __future__ import annotations

import numpy as np


def central_95(
    values: np.ndarray, *, min_defined: float = 0.0
) -> tuple[float | None, float | None]:
    """The central 95% of the bootstrap values that are defined (finite); None when none are, or
    when fewer than the share ``min_defined`` of them are (the statistic is then undefined in too
    many resamples for its interval to mean anything)."""
    kept = values[np.isfinite(values)]
    if not len(kept) or len(kept) < min_defined * len(values):
        return None, None
    low, high = np.percentile(kept, [2.5, 97.5])
    return float(low), float(high)


def rowwise_pearson(x: np.ndarray, y: np.ndarray) -> np.ndarray:
    """Pearson r of each row of ``x`` with the same row of ``y``; NaN where a row has no spread."""
    xm = x - x.mean(axis=1, keepdims=True)
    ym = y - y.mean(axis=1, keepdims=True)
    denominator = np.sqrt((xm * xm).sum(axis=1) * (ym * ym).sum(axis=1))
    with np.errstate(invalid="ignore", divide="ignore"):
        r: np.ndarray = np.where(denominator > 1e-12, (xm * ym).sum(axis=1) / denominator, np.nan)
    return r


def rowwise_ranks(values: np.ndarray, idx: np.ndarray) -> np.ndarray:
    """Average ranks (ties share their mean rank) of ``values[idx]`` within each row of ``idx``,
    for every bootstrap resample at once."""
    _, codes_of = np.unique(values, return_inverse=True)
    distinct = int(codes_of.max()) + 1
    codes = codes_of[idx]
    rows = idx.shape[0]
    flat = codes + distinct * np.arange(rows)[:, None]
    counts = np.bincount(flat.ravel(), minlength=rows * distinct).reshape(rows, distinct)
    average = np.cumsum(counts, axis=1) - counts + (counts + 1) / 2
    ranks: np.ndarray = np.take_along_axis(average, codes, axis=1)
    return ranks
