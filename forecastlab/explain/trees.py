"""Per-feature attributions of a fitted tree ensemble for the rows it forecasts from.

* LightGBM: TreeSHAP as LightGBM computes it (`predict(X, pred_contrib=True)`): one SHAP value
  per feature plus the expected value, summing to the raw prediction.
* scikit-learn HistGradientBoosting: the exact decision path. Each tree is walked for the row
  the way its predictor walks it (numeric thresholds, categorical bitsets, missing values and
  unknown categories), and each split's change in expected value is credited to the split's
  feature. A node's expected value is the training-count-weighted mean of its leaves, so the
  credits telescope: with the bias (baseline prediction plus every root's expected value) they
  sum to the raw prediction exactly.

The HistGradientBoosting walk reads the fitted predictors (`_predictors`, `_preprocessor`,
`_bin_mapper`, `_baseline_prediction`): scikit-learn has no public API for them. The tests pin
it against `predict` on numeric, missing and categorical inputs.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

import numpy as np
import pandas as pd
from sklearn.ensemble import HistGradientBoostingRegressor

from forecastlab.explain.errors import NotExplainableError
from forecastlab.explain.explanation import Method

_BITSET_WORD = 32  # bits per word of scikit-learn's category bitsets


@dataclass(frozen=True)
class Attribution:
    """Contributions per row and input column, and each row's bias; they sum to the raw output."""

    method: Method
    contributions: np.ndarray  # (rows, features), in the input's column order
    bias: np.ndarray  # (rows,)
    # Count objectives (Poisson, Tweedie) predict exp(raw): the terms add up on the log scale.
    log_link: bool = False

    @property
    def raw(self) -> np.ndarray:
        """The raw prediction each row's terms add up to."""
        return self.contributions.sum(axis=1) + self.bias


_LOG_LINK = frozenset({"poisson", "tweedie", "gamma"})


def attribute(estimator: Any, rows: pd.DataFrame | np.ndarray) -> Attribution:
    """The attribution of `estimator`'s raw prediction for each row (as `predict` takes it)."""
    if isinstance(estimator, HistGradientBoostingRegressor):
        log_link = estimator.loss in _LOG_LINK
        return Attribution("tree_path", *_decision_paths(estimator, rows), log_link=log_link)
    from lightgbm import LGBMModel  # a required dependency (DESIGN), imported only when used

    if isinstance(estimator, LGBMModel):
        values = np.asarray(estimator.predict(rows, pred_contrib=True), dtype=np.float64)
        log_link = estimator.objective in _LOG_LINK
        return Attribution("shap", values[:, :-1], values[:, -1], log_link=log_link)
    raise NotExplainableError(f"no per-feature attribution for a {type(estimator).__name__}")


def _decision_paths(
    estimator: HistGradientBoostingRegressor, rows: pd.DataFrame | np.ndarray
) -> tuple[np.ndarray, np.ndarray]:
    # What predict walks: categorical columns ordinal-encoded and moved first.
    walked = estimator._preprocess_X(rows, reset=False)
    source = _source_columns(estimator)
    known_categories, category_index = estimator._bin_mapper.make_known_categories_bitsets()
    contributions = np.zeros((walked.shape[0], source.size))
    bias = np.full(walked.shape[0], float(np.ravel(estimator._baseline_prediction)[0]))
    for (predictor,) in estimator._predictors:  # one tree per iteration for a regressor
        nodes = predictor.nodes
        expected = _expected_values(nodes)
        bias += expected[0]
        for row, x in enumerate(walked):
            node = 0
            while not nodes[node]["is_leaf"]:
                split = nodes[node]
                child = _child(
                    split, x, predictor.raw_left_cat_bitsets, known_categories, category_index
                )
                contributions[row, source[split["feature_idx"]]] += expected[child] - expected[node]
                node = child
    return contributions, bias


def _source_columns(estimator: HistGradientBoostingRegressor) -> np.ndarray:
    """The input column of each column the trees split on (categorical ones come first)."""
    if estimator._preprocessor is None:
        return np.arange(estimator.n_features_in_)
    categorical = np.asarray(estimator.is_categorical_)
    return np.concatenate([np.flatnonzero(categorical), np.flatnonzero(~categorical)])


def _expected_values(nodes: np.ndarray) -> np.ndarray:
    """Each node's expected value: a leaf's value, else the count-weighted mean of its children.

    Leaf values carry the learning rate, split nodes' stored values do not: recomputing them
    from the leaves keeps every node on the scale of the prediction. Nodes are stored parent
    before children, so one backwards pass suffices.
    """
    expected = nodes["value"].astype(np.float64)
    count = nodes["count"].astype(np.float64)
    for index in range(nodes.size - 1, -1, -1):
        if not nodes["is_leaf"][index]:
            left, right = nodes["left"][index], nodes["right"][index]
            expected[index] = (count[left] * expected[left] + count[right] * expected[right]) / (
                count[left] + count[right]
            )
    return expected


def _child(
    split: np.void,
    x: np.ndarray,
    left_categories: np.ndarray,
    known_categories: np.ndarray,
    category_index: np.ndarray,
) -> int:
    """The child the row goes to (scikit-learn's `_predict_one_from_raw_data`)."""
    value = x[split["feature_idx"]]
    missing_left = bool(split["missing_go_to_left"])
    if np.isnan(value):
        goes_left = missing_left
    elif split["is_categorical"]:
        code = int(value)
        if value < 0:  # out of the encoder's range: treated as missing
            goes_left = missing_left
        elif _in_bitset(left_categories[split["bitset_idx"]], code):
            goes_left = True
        elif _in_bitset(known_categories[category_index[split["feature_idx"]]], code):
            goes_left = False
        else:  # a category unseen in training: treated as missing
            goes_left = missing_left
    else:
        goes_left = bool(value <= split["num_threshold"])
    return int(split["left"] if goes_left else split["right"])


def _in_bitset(bitset: np.ndarray, code: int) -> bool:
    return bool((int(bitset[code // _BITSET_WORD]) >> (code % _BITSET_WORD)) & 1)
