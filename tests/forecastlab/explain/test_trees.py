"""Tree attributions sum to the estimator's own raw prediction: TreeSHAP for LightGBM, the exact
decision path for HistGradientBoosting (numeric, missing and categorical inputs)."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest
from lightgbm import LGBMRegressor
from sklearn.ensemble import HistGradientBoostingRegressor
from sklearn.linear_model import Ridge

from forecastlab.explain.errors import NotExplainableError
from forecastlab.explain.trees import attribute

ROWS = 4000


@pytest.fixture(scope="module")
def data() -> tuple[pd.DataFrame, np.ndarray]:
    """Numeric columns with missing values, a flag, an unused column and a category."""
    rng = np.random.default_rng(3)
    X = pd.DataFrame(
        {
            "lag_1": rng.normal(10, 3, ROWS),
            "price": rng.uniform(1, 5, ROWS),
            "promo": rng.integers(0, 2, ROWS).astype(float),
            "noise": np.zeros(ROWS),  # constant: never split on
            "store_id": pd.Categorical(rng.integers(1, 6, ROWS)),
        }
    )
    X.loc[rng.random(ROWS) < 0.15, "lag_1"] = np.nan
    y = (
        2 * np.nan_to_num(X["lag_1"].to_numpy(), nan=4.0)
        - 3 * X["price"].to_numpy()
        + 6 * X["promo"].to_numpy()
        + 1.5 * X["store_id"].cat.codes.to_numpy()
        + rng.normal(0, 0.2, ROWS)
    )
    return X, y


def _probe(X: pd.DataFrame) -> pd.DataFrame:
    """Rows to explain: ordinary ones, missing numbers, a missing and an unseen category."""
    probe = X.head(40).copy()
    probe["store_id"] = probe["store_id"].cat.add_categories([99])
    probe.loc[probe.index[:4], "lag_1"] = np.nan
    probe.loc[probe.index[4:6], "store_id"] = np.nan
    probe.loc[probe.index[6:8], "store_id"] = 99
    return probe


def test_decision_paths_reproduce_hgb_with_categories_and_missing_values(
    data: tuple[pd.DataFrame, np.ndarray],
) -> None:
    X, y = data
    model = HistGradientBoostingRegressor(
        max_iter=60, categorical_features="from_dtype", random_state=0
    ).fit(X, y)
    probe = _probe(X)
    attribution = attribute(model, probe)
    assert attribution.method == "tree_path"
    assert attribution.contributions.shape == (len(probe), X.shape[1])
    np.testing.assert_allclose(attribution.raw, model.predict(probe), rtol=0, atol=1e-6)
    # Credits land in the input's column order: the category column is credited, the constant
    # column never is.
    assert np.abs(attribution.contributions[:, 4]).max() > 0.1
    assert np.all(attribution.contributions[:, 3] == 0.0)


def test_decision_paths_reproduce_hgb_on_a_plain_matrix(
    data: tuple[pd.DataFrame, np.ndarray],
) -> None:
    X, y = data
    matrix = X.drop(columns="store_id").to_numpy(np.float64)
    model = HistGradientBoostingRegressor(max_iter=40, max_depth=4, random_state=0).fit(matrix, y)
    probe = matrix[:30].copy()
    probe[:5, 0] = np.nan
    probe[5:8, 1] = 1e6  # beyond every threshold
    attribution = attribute(model, probe)
    np.testing.assert_allclose(attribution.raw, model.predict(probe), rtol=0, atol=1e-6)
    # The bias is the model's average training output: the mean target (squared error).
    assert attribution.bias[0] == pytest.approx(y.mean(), abs=1e-6)


def test_a_single_split_is_credited_to_its_feature(data: tuple[pd.DataFrame, np.ndarray]) -> None:
    matrix = data[0][["promo", "price"]].to_numpy(np.float64)
    target = 5.0 * matrix[:, 0]
    model = HistGradientBoostingRegressor(max_iter=1, max_depth=1, learning_rate=1.0).fit(
        matrix, target
    )
    attribution = attribute(model, np.array([[1.0, 3.0], [0.0, 3.0]]))
    promo_share = matrix[:, 0].mean()
    np.testing.assert_allclose(
        attribution.contributions[:, 0], [5.0 * (1 - promo_share), -5.0 * promo_share], atol=1e-9
    )
    assert np.all(attribution.contributions[:, 1] == 0.0)


def test_shap_values_reproduce_lightgbm(data: tuple[pd.DataFrame, np.ndarray]) -> None:
    X, y = data
    model = LGBMRegressor(n_estimators=60, max_depth=5, verbosity=-1, random_state=0).fit(X, y)
    probe = _probe(X)
    probe["store_id"] = probe["store_id"].cat.remove_categories([99])  # LightGBM maps by category
    attribution = attribute(model, probe)
    assert attribution.method == "shap"
    assert attribution.contributions.shape == (len(probe), X.shape[1])
    np.testing.assert_allclose(attribution.raw, model.predict(probe), rtol=0, atol=1e-6)


def test_other_estimators_are_refused(data: tuple[pd.DataFrame, np.ndarray]) -> None:
    X, y = data
    with pytest.raises(NotExplainableError, match="Ridge"):
        attribute(Ridge().fit(X[["price"]], y), X[["price"]])
