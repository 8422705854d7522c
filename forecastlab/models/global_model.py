"""A global model: ONE regressor trained across every series of the feature mart.

Per-series models fit one small regressor per (store, product); a global model learns from all
series at once on `marts.fct_sales_features` (store and product enter as categorical features)
and forecasts each series from its stored history tail with the mart-row future builder
(`forecastlab.features.mart_future`): lags from the tail and NaN beyond, never recursive.
`backtest_global` runs it through the §7.2 splitter per series and returns the panel engine's
long format, so it competes in the same backtests as the per-series models.
"""

from __future__ import annotations

from collections.abc import Iterable
from datetime import date
from typing import Any, Final, Literal

import numpy as np
import pandas as pd
from sklearn.ensemble import HistGradientBoostingRegressor
from sqlalchemy import Engine, text

from forecastlab.backtest.panel import CV_KEY_COLUMNS
from forecastlab.backtest.splitter import SplitConfig, plan_folds
from forecastlab.features.columns import FEATURE_COLUMNS, KEY_COLUMNS, TARGET_COLUMN
from forecastlab.features.mart_future import (
    FUTURE_INPUTS,
    SERIES_KEYS,
    PanelTail,
    future_grid,
    mart_future_rows,
)

GlobalKind = Literal["lightgbm", "hgb"]
# HistGradientBoosting bins a categorical into at most 255 codes; beyond that the id column
# goes in as a plain number.
_HGB_MAX_CATEGORIES: Final[int] = 255

_PANEL_SQL = f"""
select f.store_id, f.product_id, f.date, f.{TARGET_COLUMN},
       d.unit_price::float8 as unit_price,
       inv.is_stockout::int as is_stockout,
       {", ".join(f"f.{column}" for column in FEATURE_COLUMNS)}
from marts.fct_sales_features as f
join marts.fct_sales_daily as d using (store_id, product_id, date)
left join raw.inventory_snapshot_daily as inv
    on inv.store_id = f.store_id and inv.product_id = f.product_id and inv.date = f.date
where (cast(:start as date) is null or f.date >= cast(:start as date))
  and (cast(:end as date) is null or f.date <= cast(:end as date))
"""
_READ_CHUNK_ROWS = 250_000
_SERIES_FILTER = """
  and (f.store_id, f.product_id) in (
      select * from unnest(cast(:stores as integer[]), cast(:products as integer[])))
"""


def load_feature_panel(
    engine: Engine,
    start: date | None = None,
    end: date | None = None,
    series: Iterable[tuple[int, int]] | None = None,
) -> pd.DataFrame:
    """Mart rows: keys, quantity, unit_price, is_stockout (that day's snapshot), FEATURE_COLUMNS.

    Sorted by store, product, date. `unit_price` and `is_stockout` are not model features: the
    forecaster keeps them in each series' tail to build future price lags and stockout_lag_1.
    """
    params: dict[str, Any] = {"start": start, "end": end}
    sql = _PANEL_SQL
    if series is not None:
        pairs = list(series)
        params["stores"] = [int(store) for store, _ in pairs]
        params["products"] = [int(product) for _, product in pairs]
        sql += _SERIES_FILTER
    sql += " order by f.store_id, f.product_id, f.date"
    # In chunks: one pass over a multi-million-row mart would first hold every row as Python
    # objects (several times the frame's size); chunks bound that to one chunk at a time.
    with engine.connect().execution_options(stream_results=True) as conn:
        chunks = list(pd.read_sql(text(sql), conn, params=params, chunksize=_READ_CHUNK_ROWS))
    panel = pd.concat(chunks, ignore_index=True) if chunks else pd.DataFrame()
    if panel.empty:  # keep the columns of an empty result
        with engine.connect() as conn:
            panel = pd.read_sql(text(sql), conn, params=params)
    panel["date"] = pd.to_datetime(panel["date"])
    # A chunk whose column is all NULL arrives as object dtype; make every value column numeric.
    for column in panel.columns.drop("date"):
        if panel[column].dtype == object:
            panel[column] = pd.to_numeric(panel[column])
    return panel


class GlobalForecaster:
    """One LightGBM or HistGradientBoosting regressor over all series (mart features).

    `n_estimators` is HistGradientBoosting's `max_iter`; `max_depth=None` = unlimited.
    Forecasts are floored at 0 (D-11). Plain attributes only, so it pickles for MLflow.
    """

    def __init__(
        self,
        kind: GlobalKind = "lightgbm",
        n_estimators: int = 100,
        learning_rate: float = 0.1,
        max_depth: int | None = 6,
        random_state: int = 42,
    ) -> None:
        if kind not in ("lightgbm", "hgb"):
            raise ValueError(f"unknown global model kind {kind!r}")
        self.kind = kind
        self.n_estimators = n_estimators
        self.learning_rate = learning_rate
        self.max_depth = max_depth
        self.random_state = random_state

    @property
    def name(self) -> str:
        """The model's column name in backtest results: global_lightgbm / global_hgb."""
        return f"global_{self.kind}"

    def fit(self, panel: pd.DataFrame) -> GlobalForecaster:
        """Train on every row with a target; keep each series' history tail for forecasting."""
        panel = _sorted(panel)
        self.categories_ = {key: np.unique(panel[key].to_numpy()) for key in SERIES_KEYS}
        has_target = panel[TARGET_COLUMN].notna()
        # Memory: on a multi-million-row history every copy of the panel costs gigabytes, so
        # subset only when some target is missing and build the matrix in float32.
        train = panel if bool(has_target.all()) else panel[has_target]
        self.model_ = self.make_estimator().fit(
            self.design_matrix(train), train[TARGET_COLUMN].to_numpy(np.float32)
        )
        self.tails_ = PanelTail.from_panel(panel)
        return self

    def design_matrix(self, rows: pd.DataFrame) -> pd.DataFrame:
        """FEATURE_COLUMNS plus store_id/product_id coded against the training categories."""
        matrix = rows[list(FEATURE_COLUMNS)].astype(np.float32)
        for key in SERIES_KEYS:
            categories = self.categories_[key]
            coded = pd.Categorical(rows[key].to_numpy(), categories=categories)
            too_many = self.kind == "hgb" and categories.size > _HGB_MAX_CATEGORIES
            matrix[key] = coded.codes.astype(np.float32) if too_many else coded
        return matrix

    def predict_rows(self, requests: pd.DataFrame) -> np.ndarray:
        """Forecasts for (store_id, product_id, date, step[, unit_price, promo_active,
        is_holiday]) rows: step j = j-th row after the series' last observed row."""
        return np.maximum(self.model_.predict(self.rows_matrix(requests)), 0.0)

    def rows_matrix(self, requests: pd.DataFrame) -> pd.DataFrame:
        """The design matrix the estimator predicts `requests` (see `predict_rows`) from."""
        features = mart_future_rows(self.tails_, requests)
        return self.design_matrix(pd.concat([requests[SERIES_KEYS], features], axis=1))

    def series_requests(self, store_id: int, product_id: int, horizon: int) -> pd.DataFrame:
        """The request rows of one series' next `horizon` steps (for `predict_rows`)."""
        keys = pd.DataFrame({"store_id": [store_id], "product_id": [product_id]})
        return future_grid(self.tails_.select(self.tails_.locate(keys)), horizon)

    def predict_panel(self, horizon: int, exogenous: pd.DataFrame | None = None) -> pd.DataFrame:
        """The next `horizon` calendar days of every series (store_id, product_id, date, step,
        forecast); `exogenous` (store_id, product_id, date + FUTURE_INPUTS) overrides defaults."""
        grid = _with_exogenous(future_grid(self.tails_, horizon), exogenous)
        grid["forecast"] = self.predict_rows(grid)
        return grid[[*SERIES_KEYS, "date", "step", "forecast"]]

    def predict_series(
        self,
        store_id: int,
        product_id: int,
        horizon: int,
        dates: Iterable[object] | None = None,
        exogenous: pd.DataFrame | None = None,
    ) -> np.ndarray:
        """One series' forecast for steps 1..horizon (default dates: the next calendar days)."""
        requests = self.series_requests(store_id, product_id, horizon)
        if dates is not None:
            requests["date"] = pd.to_datetime(list(dates))
        return self.predict_rows(_with_exogenous(requests, exogenous))

    def make_estimator(self) -> Any:
        """A fresh, unfitted regressor with this model's hyper-parameters."""
        if self.kind == "hgb":
            return HistGradientBoostingRegressor(
                max_iter=self.n_estimators,
                learning_rate=self.learning_rate,
                max_depth=self.max_depth,
                categorical_features="from_dtype",
                random_state=self.random_state,
            )
        from lightgbm import LGBMRegressor  # optional package: imported only when used

        return LGBMRegressor(
            n_estimators=self.n_estimators,
            learning_rate=self.learning_rate,
            max_depth=-1 if self.max_depth is None else self.max_depth,
            random_state=self.random_state,
            # STACK.md: default threading is pathological on 2 shared cores.
            n_jobs=1,
            deterministic=True,
            force_col_wise=True,
            verbosity=-1,
        )


def _with_exogenous(requests: pd.DataFrame, exogenous: pd.DataFrame | None) -> pd.DataFrame:
    """Requests with the supplied FUTURE_INPUTS joined on (store_id, product_id, date)."""
    if exogenous is None:
        return requests
    unknown = set(exogenous.columns) - {*SERIES_KEYS, "date", *FUTURE_INPUTS}
    if unknown:
        raise ValueError(f"unknown exogenous columns: {sorted(unknown)}")
    # Same datetime resolution on both sides of the join key.
    supplied = exogenous.assign(
        date=pd.to_datetime(exogenous["date"]).astype(requests["date"].dtype)
    )
    return requests.merge(supplied, on=[*SERIES_KEYS, "date"], how="left", validate="1:1")


def backtest_global(
    panel: pd.DataFrame, split_config: SplitConfig, kind: GlobalKind = "lightgbm", **params: Any
) -> pd.DataFrame:
    """The panel engine's long frame (unique_id, ds, cutoff, fold, horizon_step, y, global_*).

    Fold k: every series is split by §7.2 on its own length; ONE model is trained on all
    series' train rows, then each series' gap + horizon steps after its train end are
    forecast from its train tail with the observed price/promotion/holiday of those days;
    the last `horizon` steps are scored (D-04). Series too short for the split are skipped.
    """
    panel = _sorted(panel)
    grouped = panel.groupby(SERIES_KEYS, sort=False)
    code = grouped.ngroup().to_numpy()
    position = grouped.cumcount().to_numpy()
    first_row = np.flatnonzero(position == 0)
    plan = plan_folds(np.bincount(code), split_config)
    frames = []
    for fold in np.flatnonzero(plan.active.any(axis=0)):
        active = plan.active[code, fold]
        train_end = plan.train_end[code, fold]
        train = active & (position >= plan.train_start[code, fold]) & (position < train_end)
        model = GlobalForecaster(kind, **params).fit(panel[train])
        ahead = active & (position >= train_end) & (position < plan.test_end[code, fold])
        requests = panel.loc[ahead, [*SERIES_KEYS, "date", *FUTURE_INPUTS]]
        requests["step"] = position[ahead] - train_end[ahead] + 1
        forecast = model.predict_rows(requests)
        scored = position[ahead] >= plan.test_start[code[ahead], fold]
        cutoff_row = first_row[code[ahead]] + train_end[ahead] - 1
        frames.append(
            pd.DataFrame(
                {
                    "unique_id": _unique_ids(requests),
                    "ds": requests["date"].to_numpy(),
                    "cutoff": panel["date"].to_numpy()[cutoff_row],
                    "fold": int(fold),
                    "horizon_step": requests["step"].to_numpy(),
                    "y": panel.loc[ahead, TARGET_COLUMN].to_numpy(float),
                    model.name: forecast,
                }
            )[scored]
        )
    columns = [*CV_KEY_COLUMNS, f"global_{kind}"]
    if not frames:
        return pd.DataFrame(columns=columns)
    return pd.concat(frames, ignore_index=True)[columns]


def _sorted(panel: pd.DataFrame) -> pd.DataFrame:
    """The panel ordered by (store, product, date): untouched (no copy) when it already is."""
    keys = list(KEY_COLUMNS)
    if pd.MultiIndex.from_frame(panel[keys]).is_monotonic_increasing:
        return panel
    return panel.sort_values(keys, ignore_index=True)


def _unique_ids(keys: pd.DataFrame) -> np.ndarray:
    """ "store_id/product_id" strings, the panel engine's series id."""
    return (keys["store_id"].astype(str) + "/" + keys["product_id"].astype(str)).to_numpy()
