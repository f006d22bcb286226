"""LTTB: the library selection equals a straightforward reference implementation."""

from __future__ import annotations

import math

import numpy as np
import pytest

from vigil.signals import lttb


def reference_lttb(x: list[float], y: list[float], n_out: int) -> list[int]:
    """Steinarsson's LTTB, written plainly (the algorithm as published, one loop)."""
    n = len(x)
    if n_out >= n:
        return list(range(n))
    every = (n - 2) / (n_out - 2)
    a, out = 0, [0]
    for i in range(n_out - 2):
        avg_start = math.floor((i + 1) * every) + 1
        avg_end = min(math.floor((i + 2) * every) + 1, n)
        avg_x = sum(x[avg_start:avg_end]) / (avg_end - avg_start)
        avg_y = sum(y[avg_start:avg_end]) / (avg_end - avg_start)
        best, best_i = -1.0, -1
        for j in range(math.floor(i * every) + 1, math.floor((i + 1) * every) + 1):
            area = abs((x[a] - avg_x) * (y[j] - y[a]) - (x[a] - x[j]) * (avg_y - y[a])) / 2
            if area > best:
                best, best_i = area, j
        out.append(best_i)
        a = best_i
    out.append(n - 1)
    return out


def _fixed_series(n: int, seed: int) -> tuple[np.ndarray, np.ndarray]:
    rng = np.random.default_rng(seed)
    x = 1_800_000_000 + np.cumsum(rng.integers(1, 120, size=n)).astype(np.float64)
    y = np.cumsum(rng.normal(size=n)) + 10 * np.sin(np.arange(n) / 50)
    return x, y


@pytest.mark.parametrize(("n", "n_out"), [(1000, 100), (997, 37), (5000, 2000), (50, 3), (100, 99)])
def test_matches_the_reference_on_fixed_data(n, n_out):
    x, y = _fixed_series(n, seed=n)
    got = lttb.select(x, y, n_out)
    assert got.tolist() == reference_lttb(x.tolist(), y.tolist(), n_out)


def test_returns_exactly_n_out_sorted_indices_keeping_first_and_last():
    x, y = _fixed_series(10_000, seed=1)
    got = lttb.select(x, y, 2000)
    assert len(got) == 2000 and got[0] == 0 and got[-1] == 9999
    assert np.all(np.diff(got) > 0)


def test_keeps_a_spike_that_plain_striding_would_drop():
    x = np.arange(1000, dtype=np.float64)
    y = np.zeros(1000)
    y[501] = 1000.0
    assert 501 in lttb.select(x, y, 20).tolist()


def test_short_series_and_tiny_limits():
    x, y = _fixed_series(10, seed=2)
    assert lttb.select(x, y, 10).tolist() == list(range(10))
    assert lttb.select(x, y, 2).tolist() == [0, 9]
    y[3] = np.nan  # a missing value does not break the choice
    assert len(lttb.select(x, y, 5)) == 5


@pytest.mark.parametrize(("n", "n_out"), [(1000, 100), (997, 37), (5000, 2000), (300, 299)])
def test_evenly_spaced_series_take_the_fast_path_and_still_match(n, n_out):
    rng = np.random.default_rng(n)
    x = 1_800_000_000 + 60.0 * np.arange(n)
    y = np.cumsum(rng.normal(size=n))
    assert lttb.select(x, y, n_out).tolist() == reference_lttb(x.tolist(), y.tolist(), n_out)
    assert lttb.exact(x, y, n_out).tolist() == reference_lttb(x.tolist(), y.tolist(), n_out)
