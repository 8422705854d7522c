"""The portfolio container: pure Python dispatch to each series' champion."""

from __future__ import annotations

import numpy as np
import pytest

from forecastlab.registry import Portfolio
from tests.forecastlab.registry.forecasters import GlobalScaled, LastValue


def test_each_series_gets_its_own_member() -> None:
    portfolio = Portfolio(
        {(1, 1): LastValue().fit(np.array([4.0])), (1, 2): LastValue().fit(np.array([9.0]))}
    )
    assert portfolio.predict(1, 1, 3).tolist() == [4.0, 4.0, 4.0]
    assert portfolio.predict(1, 2, 2).tolist() == [9.0, 9.0]


def test_a_global_member_is_called_with_the_grain_and_answers_as_default() -> None:
    shared = GlobalScaled()
    portfolio = Portfolio({(2, 3): shared}, default=shared)
    assert portfolio.predict(2, 3, 2).tolist() == [203.0, 406.0]
    assert portfolio.predict(5, 1, 1).tolist() == [501.0]  # no own member: the default


def test_an_unknown_series_without_default_is_a_key_error() -> None:
    portfolio = Portfolio({(1, 1): LastValue().fit(np.array([1.0]))})
    with pytest.raises(KeyError, match="store 9 product 9"):
        portfolio.predict(9, 9, 1)


def test_features_reach_single_series_members_but_not_global_ones() -> None:
    class Echo:
        def predict(self, h: int, X: list[float] | None = None) -> list[float]:
            return list(X or [0.0] * h)

    portfolio = Portfolio({(1, 1): Echo()}, default=GlobalScaled())
    assert portfolio.predict(1, 1, 2, [5.0, 6.0]).tolist() == [5.0, 6.0]
    assert portfolio.predict_series(1, 1, 2).tolist() == [0.0, 0.0]
    with pytest.raises(ValueError, match="builds its own features"):
        portfolio.predict(2, 2, 2, [5.0, 6.0])
