"""Vectorised backtest of the target-only baselines over a whole panel (statsforecast style).

`backtest_baselines` takes a long frame `unique_id, ds, y` (observed rows only, series of
any length) and runs every requested baseline over every series and fold with array
operations: the series stay in one flat sorted array, each fold's train windows are read
from it by fancy indexing, and each model is one kernel over all series of the fold. The
only Python loops are over folds and models. Fold positions come from `plan_folds`, the
same §7.2 rule the single-series runner uses, applied to every series length at once.

Kernels read hyper-parameters (and `min_observations`, `floor_at_zero`, WMA weights,
the trend design) from the unfitted model object, so they cannot drift from
`forecastlab.models`; the intermittent-demand models go further: their kernel runs the
model's own panel arithmetic (`fit_panel`). The tests check every kernel value for value
against the runner.
"""

from __future__ import annotations

import logging
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass

import numpy as np
import pandas as pd

from forecastlab.backtest.aggregate import finite_mean, stability_index
from forecastlab.backtest.buckets import bucket_masks
from forecastlab.backtest.metrics import batch_metrics
from forecastlab.backtest.splitter import SplitConfig, plan_folds
from forecastlab.models import (
    TARGET_ONLY_TYPES,
    Forecaster,
    ModelConfigBase,
    make_forecaster,
    trend_design,
)

logger = logging.getLogger(__name__)

CV_KEY_COLUMNS: tuple[str, ...] = ("unique_id", "ds", "cutoff", "fold", "horizon_step", "y")
OVERALL = "all"  # the `bucket` of metrics over the whole test window


@dataclass(frozen=True)
class _Panel:
    """The panel as one flat array sorted by (series, ds); series s is `[start, start+length)`."""

    ids: np.ndarray
    start: np.ndarray
    length: np.ndarray
    ds: np.ndarray
    y: np.ndarray

    @classmethod
    def from_frame(cls, panel: pd.DataFrame) -> _Panel:
        codes, ids = pd.factorize(panel["unique_id"], sort=True)
        ds = panel["ds"].to_numpy()
        y = panel["y"].to_numpy(dtype=np.float64)
        if not _strictly_ordered(codes, ds):
            order = np.lexsort((ds, codes))
            codes, ds, y = codes[order], ds[order], y[order]
            if not _strictly_ordered(codes, ds):
                raise ValueError("panel has duplicate (unique_id, ds) rows")
        if not np.isfinite(y).all():
            raise ValueError("panel y has NaN or infinite values (observed rows only)")
        length = np.bincount(codes, minlength=len(ids))
        return cls(np.asarray(ids), np.cumsum(length) - length, length, ds, y)


def _strictly_ordered(codes: np.ndarray, ds: np.ndarray) -> bool:
    """Whether rows are sorted by series and strictly by ds within each series."""
    same = codes[1:] == codes[:-1]
    return bool((codes[1:] >= codes[:-1]).all() and (ds[1:][same] > ds[:-1][same]).all())


@dataclass(frozen=True)
class TrainWindows:
    """One fold's train slices for the series that have the fold, read from the flat panel.

    `end` is the flat position one past each slice's last row, `size` the slice length and
    `steps` how far each model forecasts (gap + horizon).
    """

    y: np.ndarray
    end: np.ndarray
    size: np.ndarray
    steps: int

    def last(self, width: int) -> np.ndarray:
        """The last `width` train values per series, oldest first: (series, width)."""
        return self.y[self.end[:, None] - width + np.arange(width)]

    def back(self, lags: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
        """(values, valid) `lags` rows before each train end (lag 0 = last train row).

        Lags beyond the slice are invalid; their values are the slice's last row so the
        gather stays in bounds.
        """
        lags = np.asarray(lags)
        valid = (lags >= 0) & (lags < self.size.reshape((-1,) + (1,) * lags.ndim))
        position = self.end.reshape((-1,) + (1,) * lags.ndim) - 1 - np.where(valid, lags, 0)
        return self.y[position], valid

    def padded(self) -> tuple[np.ndarray, np.ndarray]:
        """(values, valid) of whole slices, oldest first, padded to the longest: (series, n)."""
        offset = np.arange(int(self.size.max()))
        valid = offset < self.size[:, None]
        position = self.end[:, None] - self.size[:, None] + np.where(valid, offset, 0)
        return self.y[position], valid


Kernel = Callable[[TrainWindows, Forecaster], np.ndarray]


def _constant(level: np.ndarray, steps: int) -> np.ndarray:
    """A level per series repeated over the forecast steps."""
    return np.repeat(level[:, None], steps, axis=1)


def _naive(w: TrainWindows, model: Forecaster) -> np.ndarray:
    return _constant(w.last(1)[:, 0], w.steps)


def _seasonal_naive(w: TrainWindows, model: Forecaster) -> np.ndarray:
    season = model.season_length
    return w.last(season)[:, np.arange(w.steps) % season]


def _moving_average(w: TrainWindows, model: Forecaster) -> np.ndarray:
    return _constant(w.last(model.window_size).mean(axis=1), w.steps)


def _weighted_moving_average(w: TrainWindows, model: Forecaster) -> np.ndarray:
    weights = model.weights()
    return _constant(w.last(model.window_size) @ weights / weights.sum(), w.steps)


def _seasonal_average(w: TrainWindows, model: Forecaster) -> np.ndarray:
    season, cycles = model.season_length, model.lookback_cycles
    # Target day j (1-based) looks k seasons back: k*S - j rows before the last train row,
    # within the kept history (the last S*C rows, or fewer).
    lags = season * np.arange(1, cycles + 1)[None, :] - np.arange(1, w.steps + 1)[:, None]
    values, valid = w.back(lags)
    kept = np.minimum(w.size, season * cycles)[:, None, None]
    valid &= lags[None] < kept
    count = valid.sum(axis=-1)
    total = np.where(valid, values, 0.0).sum(axis=-1)
    with np.errstate(divide="ignore", invalid="ignore"):
        mean = total / count
        if model.trim_outliers:
            # Dropping one min and one max from >= 4 samples = removing both from the sum.
            low = np.where(valid, values, np.inf).min(axis=-1)
            high = np.where(valid, values, -np.inf).max(axis=-1)
            mean = np.where(count >= 4, (total - low - high) / (count - 2), mean)
    return np.where(count > 0, mean, w.last(1))


def _trend_regression(w: TrainWindows, model: Forecaster) -> np.ndarray:
    """Ridge per series by batched normal equations; matches sklearn's `Ridge` with intercept.

    Every series' design is the same matrix cut at its own train length n, so X'X and the
    column sums are prefix sums over the shared design, read at n. Centering (the unpenalised
    intercept) is applied to those sums: Xc'Xc = X'X - n x̄x̄', Xc'yc = X'y - n x̄ȳ.
    """
    n = w.size
    longest = int(n.max())
    design = trend_design(
        np.arange(longest + w.steps),
        include_dow=model.include_dow,
        include_month=model.include_month,
    )
    train_design = design[:longest]
    gram = np.concatenate(
        [
            np.zeros((1, design.shape[1], design.shape[1])),
            np.cumsum(train_design[:, :, None] * train_design[:, None, :], axis=0),
        ]
    )[n]
    col_sum = np.concatenate([np.zeros((1, design.shape[1])), np.cumsum(train_design, axis=0)])[n]
    values, valid = w.padded()
    target = np.where(valid, values, 0.0)
    x_mean = col_sum / n[:, None]
    y_mean = target.sum(axis=1) / n
    lhs = gram - n[:, None, None] * x_mean[:, :, None] * x_mean[:, None, :]
    rhs = target @ train_design - n[:, None] * x_mean * y_mean[:, None]
    if model.alpha > 0:
        lhs = lhs + model.alpha * np.eye(design.shape[1])
        coef = np.linalg.solve(lhs, rhs[:, :, None])[:, :, 0]
    else:
        # Unpenalised: the normal equations are singular with one-hot blocks; sklearn falls
        # back to the minimum-norm least-squares solution, which the pseudo-inverse gives.
        coef = np.einsum("spq,sq->sp", np.linalg.pinv(lhs), rhs)
    intercept = y_mean - (x_mean * coef).sum(axis=1)
    future = design[n[:, None] + np.arange(w.steps)]
    return np.einsum("stp,sp->st", future, coef) + intercept[:, None]


def _intermittent(w: TrainWindows, model: Forecaster) -> np.ndarray:
    """Croston, TSB, ADIDA, IMAPA: the model's `fit_panel` over every train window at once."""
    values, _ = w.padded()
    return _constant(model.fit_panel(values, w.size).level, w.steps)


KERNELS: dict[str, Kernel] = {
    "naive": _naive,
    "seasonal_naive": _seasonal_naive,
    "moving_average": _moving_average,
    "weighted_moving_average": _weighted_moving_average,
    "seasonal_average": _seasonal_average,
    "trend_regression_baseline": _trend_regression,
    "croston": _intermittent,
    "tsb": _intermittent,
    "adida": _intermittent,
    "imapa": _intermittent,
}
assert set(KERNELS) == TARGET_ONLY_TYPES  # every target-only model has a panel kernel


def _usable_models(
    models: Sequence[ModelConfigBase] | Mapping[str, ModelConfigBase], split: SplitConfig
) -> tuple[dict[str, Forecaster], list[str]]:
    """(column name -> unfitted model) for the models every fold can fit, and the skipped names.

    A sequence of configs is named by model type; a mapping names each config (so one type can
    run with several configurations). The shortest train slice of any fold is `min_train_size`
    (fold 0 of either strategy), so a model needing more observations than that is skipped.
    """
    named = models if isinstance(models, Mapping) else {c.model_type: c for c in models}
    if not isinstance(models, Mapping) and len(named) < len(models):
        raise ValueError("a model_type given twice: name the configurations (one column each)")
    usable: dict[str, Forecaster] = {}
    skipped: list[str] = []
    for name, config in named.items():
        if config.model_type not in KERNELS:
            raise ValueError(f"{config.model_type} is not a target-only model")
        model = make_forecaster(config)
        if model.min_observations > split.min_train_size:
            logger.warning(
                "%s skipped: needs %d observations, min_train_size is %d",
                name,
                model.min_observations,
                split.min_train_size,
            )
            skipped.append(name)
        else:
            usable[name] = model
    return usable, skipped


def backtest_baselines(
    panel: pd.DataFrame,
    split: SplitConfig,
    models: Sequence[ModelConfigBase] | Mapping[str, ModelConfigBase],
) -> pd.DataFrame:
    """Cross-validate target-only models on every series of `panel` at once.

    Returns one row per (series, fold, test step): `unique_id, ds, cutoff, fold,
    horizon_step, y` and one forecast column per model type (or per name of a mapping).
    `cutoff` is the last train date, `fold` the fold index, `horizon_step` the offset `gap + j`
    of test position j (D-04). Series too short for the split are listed in
    `attrs["skipped_series"]`, models that cannot fit `min_train_size` rows in
    `attrs["skipped_models"]`.
    """
    data = _Panel.from_frame(panel)
    plan = plan_folds(data.length, split)
    usable, skipped_models = _usable_models(models, split)
    horizon, gap = split.horizon, split.gap
    n_series, n_folds = plan.active.shape
    forecasts = {name: np.full((n_series, n_folds, horizon), np.nan) for name in usable}
    for k in range(n_folds):
        series = np.flatnonzero(plan.active[:, k])
        if series.size == 0:
            continue
        windows = TrainWindows(
            y=data.y,
            end=data.start[series] + plan.train_end[series, k],
            size=plan.train_end[series, k] - plan.train_start[series, k],
            steps=gap + horizon,
        )
        for name, model in usable.items():
            forecast = KERNELS[model.model_type](windows, model)
            if model.floor_at_zero:  # D-11, as the model's own predict does
                forecast = np.maximum(forecast, 0.0)
            # D-04: forecast from the train end, score the last `horizon` steps.
            forecasts[name][series, k] = forecast[:, gap:]

    series_of, fold_of = np.nonzero(plan.active)  # row-major: ordered by series, then fold
    step = np.tile(np.arange(horizon), series_of.size)
    row_series, row_fold = np.repeat(series_of, horizon), np.repeat(fold_of, horizon)
    test_row = data.start[row_series] + plan.test_start[row_series, row_fold] + step
    cutoff_row = data.start[series_of] + plan.train_end[series_of, fold_of] - 1
    cv = pd.DataFrame(
        {
            "unique_id": data.ids[row_series],
            "ds": data.ds[test_row],
            "cutoff": np.repeat(data.ds[cutoff_row], horizon),
            "fold": row_fold,
            "horizon_step": gap + 1 + step,
            "y": data.y[test_row],
        }
        | {name: values[series_of, fold_of].ravel() for name, values in forecasts.items()}
    )
    cv.attrs["skipped_series"] = data.ids[~plan.sufficient].tolist()
    cv.attrs["skipped_models"] = skipped_models
    return cv


def panel_metrics(cv: pd.DataFrame) -> pd.DataFrame:
    """Per series and model, the fold-aggregated metrics of a `backtest_baselines` frame.

    One row per (unique_id, model, bucket, metric) with its `value`: bucket `"all"` holds the
    five metrics over the whole test window and their `{metric}_stability` indices (§7.5);
    each horizon bucket a series' folds emitted holds the five metrics over that bucket.
    Aggregation over folds is the runner's: the mean of the finite fold values.
    """
    cv = cv.sort_values(["unique_id", "fold", "horizon_step"], kind="stable")
    codes, ids = pd.factorize(cv["unique_id"], sort=True)
    fold = cv["fold"].to_numpy()
    new_slice = np.r_[True, (codes[1:] != codes[:-1]) | (fold[1:] != fold[:-1])]
    slice_of_row = np.cumsum(new_slice) - 1
    slice_first_row = np.flatnonzero(new_slice)
    position = np.arange(len(cv)) - slice_first_row[slice_of_row]
    slice_series = codes[slice_first_row]
    new_series = np.r_[True, slice_series[1:] != slice_series[:-1]]
    slice_fold = (
        np.arange(slice_series.size) - np.flatnonzero(new_series)[np.cumsum(new_series) - 1]
    )

    def padded(column: str, fill: float) -> np.ndarray:
        """A cv column as (slice, position), `fill` where a slice is shorter."""
        out = np.full((slice_series.size, int(position.max()) + 1), fill)
        out[slice_of_row, position] = cv[column].to_numpy(dtype=np.float64)
        return out

    def by_series(per_slice: np.ndarray) -> np.ndarray:
        """Slice values as (series, fold), NaN where a series lacks the fold."""
        out = np.full((ids.size, int(slice_fold.max()) + 1), np.nan)
        out[slice_series, slice_fold] = per_slice
        return out

    actual = padded("y", 0.0)
    present = padded("horizon_step", 0.0) > 0
    scopes = {OVERALL: present} | {
        bucket: present & mask for bucket, mask in bucket_masks(padded("horizon_step", 0.0)).items()
    }
    models = [column for column in cv.columns if column not in CV_KEY_COLUMNS]
    parts: list[pd.DataFrame] = []
    for model in models:
        predicted = padded(model, 0.0)
        for bucket, mask in scopes.items():
            emitted = by_series(np.where(mask.any(axis=1), 1.0, np.nan))
            reported = np.isfinite(emitted).any(axis=1)
            if not reported.any():
                continue
            values: dict[str, np.ndarray] = {}
            for metric, per_slice in batch_metrics(actual, predicted, mask).items():
                # Folds that did not emit the bucket are NaN, so the mean skips them.
                folds = by_series(per_slice) * emitted
                values[metric] = finite_mean(folds, axis=1)
                if bucket == OVERALL:
                    values[f"{metric}_stability"] = stability_index(folds, axis=1)
            parts.append(
                pd.DataFrame(
                    {
                        "unique_id": np.tile(ids[reported], len(values)),
                        "model": model,
                        "bucket": bucket,
                        "metric": np.repeat(list(values), reported.sum()),
                        "value": np.concatenate([v[reported] for v in values.values()]),
                    }
                )
            )
    columns = ["unique_id", "model", "bucket", "metric", "value"]
    return pd.concat(parts, ignore_index=True) if parts else pd.DataFrame(columns=columns)
