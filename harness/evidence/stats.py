"""Numeric helpers the cohort analyses share: bootstraps (every resample at once, as rows of a
matrix) and the log Beta function of beta-binomial likelihoods."""

from __future__ import annotations

import math

import numpy as np

_lgamma = np.vectorize(math.lgamma, otypes=[float])


def log_beta(a: np.ndarray, b: np.ndarray) -> np.ndarray:
    """log B(a, b), elementwise (beta-binomial likelihoods: the validity fit, and the priors
    validation/prior_alternatives.py measures)."""
    result: np.ndarray = _lgamma(a) + _lgamma(b) - _lgamma(a + b)
    return result


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
