"""One forecast day of a tree model taken apart: a driver per feature plus the bias.

The drivers sum to the model's raw output for the day (before the D-11 floor at 0; for count
objectives the log of the forecast); the explained `forecast` is the value the model serves.
"""

from __future__ import annotations

from typing import Final

import numpy as np

from forecastlab.explain.explanation import BIAS_DRIVER, Breakdown, Driver, Method
from forecastlab.explain.narrative import floor_caveat
from forecastlab.explain.tree_rows import TreeRows
from forecastlab.explain.trees import Attribution
from forecastlab.features.columns import LAGS

# Twice the longest lag of the default feature set: every lag of a row, and of the rows the
# model learnt from, reads an observed value.
TREE_COMFORTABLE_HISTORY: Final = 2 * max(LAGS)

_BIAS: Final[dict[Method, str]] = {
    "shap": "LightGBM's expected value: the average raw prediction over the training data, "
    "before any feature is known.",
    "tree_path": "The baseline prediction plus every tree's root expected value: the average "
    "raw prediction over the training data, before any split.",
}
_METHOD_CAVEATS: Final[dict[Method, str]] = {
    "shap": "SHAP values (TreeSHAP) share the prediction among the features against the "
    "model's average; correlated features (lags, rolling means) split the credit between them.",
    "tree_path": "Decision-path attribution credits each split of every tree to its feature; "
    "unlike SHAP it depends on which feature a tree splits on first, so correlated features "
    "(lags, rolling means) may trade credit.",
}


def tree_breakdown(
    rows: TreeRows, attribution: Attribution, step: int, served: float, observations: int
) -> Breakdown:
    """Step `step` (0-based) of the forecast; `served` is the model's forecast for it."""
    values = rows.feature_values[step]
    contributions = attribution.contributions[step]
    order = np.argsort(-np.abs(contributions), kind="stable")  # the strongest first
    drivers = [
        Driver.term(
            rows.feature_names[i],
            values[i],
            contributions[i],
            _feature_description(rows.feature_names[i], values[i], contributions[i]),
        )
        for i in order
    ]
    drivers.append(
        Driver.term(BIAS_DRIVER, None, attribution.bias[step], _BIAS[attribution.method])
    )
    # Unknown values the trees never split on (e.g. days_since_launch without a launch date)
    # change nothing; those they do split on send the row down a missing-value branch.
    unknown = int((np.isnan(values) & (contributions != 0.0)).sum())
    extra = (
        (
            "The model predicts counts on the log scale: the drivers add up to "
            f"log(forecast) = {attribution.raw[step]:.3f}, and each multiplies the forecast "
            "by exp(its contribution).",
        )
        if attribution.log_link
        else floor_caveat(float(attribution.raw[step]))
    )
    if unknown:
        extra += (
            f"{unknown} feature(s) the trees use are unknown on this day (lags and windows "
            "beyond the stored history, prices not yet known): they follow the trees' "
            "missing-value branches.",
        )
    return Breakdown(
        forecast=served,
        drivers=tuple(drivers),
        confidence="low" if unknown or observations < TREE_COMFORTABLE_HISTORY else "medium",
        comfortable_history=TREE_COMFORTABLE_HISTORY,
        caveat=_METHOD_CAVEATS[attribution.method],
        extra_caveats=extra,
    )


def _feature_description(name: str, value: float, contribution: float) -> str:
    shown = "unknown" if np.isnan(value) else f"{value:g}"
    return f"{name} = {shown}: {contribution:+.3f} against the bias."
