"""§7.4 metrics and their edge cases; batch forms equal the scalar forms."""

from __future__ import annotations

import math

import numpy as np
import pytest

from forecastlab.backtest import (
    METRIC_NAMES,
    batch_metrics,
    bias,
    calculate_all,
    mae,
    rmse,
    smape,
    wape,
)


def test_values_on_a_small_slice() -> None:
    actual, predicted = [10.0, 0.0, 5.0], [8.0, 2.0, 5.0]
    assert mae(actual, predicted) == pytest.approx(4 / 3)
    assert rmse(actual, predicted) == pytest.approx(math.sqrt(8 / 3))
    assert smape(actual, predicted) == pytest.approx(100 * (4 / 18 + 2) / 3)
    assert wape(actual, predicted) == pytest.approx(100 * 4 / 15)
    assert bias(actual, predicted) == pytest.approx(0.0)


def test_bias_is_positive_when_under_forecasting() -> None:
    assert bias([5.0, 7.0], [4.0, 4.0]) == pytest.approx(2.0)
    assert bias([5.0, 7.0], [6.0, 8.0]) == pytest.approx(-1.0)


def test_empty_slice_gives_nan_everywhere() -> None:
    assert all(math.isnan(v) for v in calculate_all([], []).values())


def test_wape_is_infinite_when_every_actual_is_zero() -> None:
    assert wape([0.0, 0.0], [1.0, 0.0]) == math.inf
    assert wape([0.0, 0.0], [0.0, 0.0]) == math.inf


def test_smape_point_with_both_zero_contributes_zero() -> None:
    # The (0, 0) point counts in the mean but adds no error.
    assert smape([0.0, 2.0], [0.0, 1.0]) == pytest.approx(100 * (0 + 2 / 3) / 2)
    assert smape([0.0, 0.0], [0.0, 0.0]) == 0.0
    assert smape([0.0], [3.0]) == pytest.approx(200.0)


def test_calculate_all_keys() -> None:
    assert tuple(calculate_all([1.0], [2.0])) == METRIC_NAMES


def test_mismatched_lengths_raise() -> None:
    with pytest.raises(ValueError):
        mae([1.0, 2.0], [1.0])


def test_batch_with_masks_equals_scalar_per_row() -> None:
    rng = np.random.default_rng(3)
    actual = rng.poisson(3, (6, 9)).astype(float)
    predicted = rng.normal(3, 2, (6, 9))
    lengths = np.array([9, 4, 1, 0, 7, 9])
    mask = np.arange(9) < lengths[:, None]
    actual[~mask] = np.nan  # padding must not leak into any metric
    actual[5] = 0.0
    batch = batch_metrics(actual, predicted, mask)
    for row, n in enumerate(lengths):
        expected = calculate_all(actual[row, :n], predicted[row, :n])
        for name in METRIC_NAMES:
            np.testing.assert_allclose(batch[name][row], expected[name], rtol=1e-12)
