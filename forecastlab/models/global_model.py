"""A global model: ONE regressor trained across every series, direct multi-horizon.

Per-series models fit one small regressor per (store, product); a global model learns from all
series at once (store, product and category enter as categorical features). It is a *direct*
multi-horizon model: each training row stands at an origin and predicts the target `step` rows
later from origin-relative features (`forecastlab.features.horizon`), the step itself among
them, so a forecast row `step` days past a series' last observed day has exactly the features
its training rows had at that distance: no lag is ever "missing at serve time" that was present
in training (docs/models/global-model.md). Features whose source is empty or constant in the
training rows (no promotions loaded, no price changes) are dropped by rule and recorded in
`feature_names_` / `dropped_features_`. Count objectives (Tweedie, Poisson) are selectable; the
number of trees is chosen by early stopping on the newest `max_step` days of the training rows,
then the model is refit on all of them.
`backtest_global` runs it through the §7.2 splitter per series and returns the panel engine's
long format, so it competes in the same backtests as the per-series models.
"""

from __future__ import annotations

import copy
from collections.abc import Iterable
from datetime import date
from typing import Any, Final, Literal

import numpy as np
import pandas as pd
from sklearn.ensemble import HistGradientBoostingRegressor
from sqlalchemy import Engine, text

from forecastlab.backtest.panel import CV_KEY_COLUMNS
from forecastlab.backtest.splitter import SplitConfig, plan_folds
from forecastlab.features.calendar import as_days
from forecastlab.features.columns import KEY_COLUMNS, TARGET_COLUMN
from forecastlab.features.horizon import (
    HORIZON_FEATURES,
    SERIES_KEYS,
    TARGET_INPUTS,
    History,
    horizon_rows,
    training_rows,
)

GlobalKind = Literal["lightgbm", "hgb"]
Objective = Literal["tweedie", "poisson", "l2"]
STRATEGY: Final[str] = "direct multi-horizon (origin-relative features, step as a feature)"
# HistGradientBoosting bins a categorical into at most 255 codes; beyond that the id column
# goes in as a plain number.
_HGB_MAX_CATEGORIES: Final[int] = 255
STATIC_FEATURES: Final[tuple[str, ...]] = ("store_id", "product_id", "category")
_TWEEDIE_POWER: Final[float] = 1.2  # between Poisson (1) and gamma (2): zero-heavy counts
_EARLY_STOPPING_ROUNDS: Final[int] = 25
_MIN_VALIDATION_ROWS: Final[int] = 200

_PANEL_SQL = f"""
select f.store_id, f.product_id, f.date, f.{TARGET_COLUMN},
       d.unit_price::float8 as unit_price, f.promo_active, f.is_holiday,
       coalesce(p.category, '') as category
from marts.fct_sales_features as f
join marts.fct_sales_daily as d using (store_id, product_id, date)
left join marts.dim_product as p on p.product_id = f.product_id
where (cast(:start as date) is null or f.date >= cast(:start as date))
  and (cast(:end as date) is null or f.date <= cast(:end as date))
"""
_READ_CHUNK_ROWS = 250_000
_SERIES_FILTER = """
  and (f.store_id, f.product_id) in (
      select * from unnest(cast(:stores as integer[]), cast(:products as integer[])))
"""
_HOLIDAYS_SQL = text("select date from raw.calendar where is_holiday order by date")


def load_feature_panel(
    engine: Engine,
    start: date | None = None,
    end: date | None = None,
    series: Iterable[tuple[int, int]] | None = None,
) -> pd.DataFrame:
    """Mart rows for the global model: keys, quantity, unit_price, promo_active, is_holiday,
    category; sorted by store, product, date."""
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
    for column in panel.columns.drop(["date", "category"]):
        if panel[column].dtype == object:
            panel[column] = pd.to_numeric(panel[column])
    return panel


def load_holidays(engine: Engine) -> np.ndarray:
    """Every holiday of the calendar (past and planned), datetime64[D]."""
    with engine.connect() as conn:
        return as_days([row[0] for row in conn.execute(_HOLIDAYS_SQL)])


class GlobalForecaster:
    """One LightGBM or HistGradientBoosting regressor over all series, direct multi-horizon.

    `max_step` is the farthest distance trained (the training round's horizon); a request
    beyond it is answered like `max_step` by the trees. `n_estimators` is the cap on trees
    (HistGradientBoosting's `max_iter`) before early stopping; `max_depth=None` = unlimited.
    Forecasts are floored at 0 (D-11). Plain attributes only, so it pickles for MLflow.
    """

    def __init__(
        self,
        kind: GlobalKind = "lightgbm",
        n_estimators: int = 300,
        learning_rate: float = 0.1,
        max_depth: int | None = 8,
        random_state: int = 42,
        objective: Objective = "tweedie",
        max_step: int = 28,
    ) -> None:
        if kind not in ("lightgbm", "hgb"):
            raise ValueError(f"unknown global model kind {kind!r}")
        if objective not in ("tweedie", "poisson", "l2"):
            raise ValueError(f"unknown objective {objective!r}: tweedie, poisson or l2")
        self.kind = kind
        self.n_estimators = n_estimators
        self.learning_rate = learning_rate
        self.max_depth = max_depth
        self.random_state = random_state
        self.objective = objective
        self.max_step = max_step

    @property
    def name(self) -> str:
        """The model's column name in backtest results: global_lightgbm / global_hgb."""
        return f"global_{self.kind}"

    @property
    def loss(self) -> str:
        """The estimator's loss: HistGradientBoosting has no Tweedie, so it uses Poisson."""
        if self.kind == "hgb":
            return "squared_error" if self.objective == "l2" else "poisson"
        return {"l2": "regression"}.get(self.objective, self.objective)

    def fit(self, panel: pd.DataFrame, holidays: np.ndarray | None = None) -> GlobalForecaster:
        """Train on every observed row of `panel` (`load_feature_panel`'s columns) and keep each
        series' last rows to forecast from; `holidays` (datetime64[D]) flag future days."""
        self.holidays_ = np.unique(as_days(holidays)) if holidays is not None else None
        matrix, y, dates = self.training_matrix(panel)
        self.model_, self.best_iteration_ = self._fit_estimator(matrix, y, dates)
        return self

    def training_matrix(self, panel: pd.DataFrame) -> tuple[pd.DataFrame, np.ndarray, pd.Series]:
        """(design matrix, targets, target dates) of the training rows of `panel`.

        Sets what forecasting needs: the categories, the kept and dropped features, and each
        series' last rows (`history_`).
        """
        panel = _sorted(panel)
        history = History.from_panel(panel)
        # Category names are coded as integers (their rank), like the id columns.
        self.category_names_ = np.unique(history.category.astype(str))
        self.categories_ = {
            "store_id": np.unique(history.store_id),
            "product_id": np.unique(history.product_id),
            "category": np.arange(self.category_names_.size),
        }
        series, origin, step = training_rows(history, self.max_step, self.random_state)
        target_row = history.start[series] + origin + step
        targets = pd.DataFrame(
            {
                "date": history.date[target_row],
                "unit_price": history.unit_price[target_row],
                "promo_active": _column(panel, "promo_active", target_row),
                "is_holiday": _column(panel, "is_holiday", target_row),
            }
        )
        features = horizon_rows(history, series, origin, step, targets)
        usable = [c for c in HORIZON_FEATURES if _informative(features[c].to_numpy())]
        self.dropped_features_ = [c for c in HORIZON_FEATURES if c not in usable]
        self.feature_names_ = [*usable, *STATIC_FEATURES]
        self.history_ = history.tail()
        self.__dict__.pop("_forecast_cache", None)
        matrix = self._matrix(features[usable], history, series)
        return matrix, history.quantity[target_row].astype(np.float32), targets["date"]

    def with_history(
        self, panel: pd.DataFrame, holidays: np.ndarray | None = None
    ) -> GlobalForecaster:
        """The same trees forecasting from the newest rows of `panel` (`load_feature_panel`'s
        columns): a forecast refresh, no refit. Series unseen in training get the unknown code
        of the categoricals."""
        fresh = copy.copy(self)
        fresh.__dict__.pop("_forecast_cache", None)
        fresh.history_ = History.from_panel(_sorted(panel)).tail()
        if holidays is not None:
            fresh.holidays_ = np.unique(as_days(holidays))
        return fresh

    def _fit_estimator(
        self, matrix: pd.DataFrame, y: np.ndarray, dates: pd.Series
    ) -> tuple[Any, int]:
        """Choose the number of trees on the newest `max_step` days, then refit on all rows."""
        newest = dates.max() - pd.Timedelta(days=self.max_step)
        validation = (dates > newest).to_numpy()
        trees = self.n_estimators
        if validation.sum() >= _MIN_VALIDATION_ROWS and (~validation).sum() >= _MIN_VALIDATION_ROWS:
            probe = self.make_estimator(early_stopping=True)
            train, check = matrix[~validation], matrix[validation]
            if self.kind == "hgb":
                probe.fit(train, y[~validation], X_val=check, y_val=y[validation])
                trees = int(probe.n_iter_)
            else:
                from lightgbm import early_stopping

                probe.fit(
                    train,
                    y[~validation],
                    eval_X=(check,),
                    eval_y=(y[validation],),
                    callbacks=[early_stopping(_EARLY_STOPPING_ROUNDS, verbose=False)],
                )
                trees = int(probe.best_iteration_ or self.n_estimators)
        return self.make_estimator(n_estimators=max(trees, 1)).fit(matrix, y), max(trees, 1)

    def _matrix(self, features: pd.DataFrame, history: History, series: np.ndarray) -> pd.DataFrame:
        """Origin/target features (float32) plus the series' static categoricals."""
        matrix = features.astype(np.float32)
        statics = {
            "store_id": history.store_id[series],
            "product_id": history.product_id[series],
            "category": self._category_codes(history.category[series]),
        }
        for key in STATIC_FEATURES:
            categories = self.categories_[key]
            coded = pd.Categorical(statics[key], categories=categories)
            too_many = self.kind == "hgb" and categories.size > _HGB_MAX_CATEGORIES
            matrix[key] = coded.codes.astype(np.float32) if too_many else coded
        return matrix

    def _category_codes(self, names: np.ndarray) -> np.ndarray:
        """Category names as their training code; -1 (unknown) for names not seen in fit."""
        # get_indexer answers -1 for names the index does not hold.
        return pd.Index(self.category_names_).get_indexer(names.astype(str))

    def predict_rows(self, requests: pd.DataFrame) -> np.ndarray:
        """Forecasts for (store_id, product_id, date, step[, unit_price, promo_active,
        is_holiday]) rows: step j = j days after the series' last observed day."""
        return np.maximum(self.model_.predict(self.rows_matrix(requests)), 0.0)

    def rows_matrix(self, requests: pd.DataFrame) -> pd.DataFrame:
        """The design matrix the estimator predicts `requests` (see `predict_rows`) from."""
        series = self.history_.locate(requests)
        origin = self.history_.length[series] - 1
        target = requests.copy()
        if "is_holiday" not in target and self.holidays_ is not None:
            target["is_holiday"] = np.isin(as_days(target["date"]), self.holidays_).astype(float)
        if "unit_price" not in target:
            # Unplanned price: the newest known price holds.
            target["unit_price"] = self.history_.unit_price[self.history_.start[series] + origin]
        features = horizon_rows(self.history_, series, origin, requests["step"], target)
        usable = [c for c in self.feature_names_ if c not in STATIC_FEATURES]
        return self._matrix(features[usable], self.history_, series)

    def series_requests(self, store_id: int, product_id: int, horizon: int) -> pd.DataFrame:
        """The request rows of one series' next `horizon` days (for `predict_rows`)."""
        keys = pd.DataFrame({"store_id": [store_id], "product_id": [product_id]})
        return future_grid(self.history_.select(self.history_.locate(keys)), horizon)

    def predict_panel(self, horizon: int, exogenous: pd.DataFrame | None = None) -> pd.DataFrame:
        """The next `horizon` calendar days of every series (store_id, product_id, date, step,
        forecast); `exogenous` (store_id, product_id, date + TARGET_INPUTS) overrides defaults."""
        grid = _with_exogenous(future_grid(self.history_, horizon), exogenous)
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
        if dates is None and exogenous is None:
            return self._default_forecasts(horizon)[(int(store_id), int(product_id))].copy()
        requests = self.series_requests(store_id, product_id, horizon)
        if dates is not None:
            requests["date"] = pd.to_datetime(list(dates))
        return self.predict_rows(_with_exogenous(requests, exogenous))

    def _default_forecasts(self, horizon: int) -> dict[tuple[int, int], np.ndarray]:
        """Every series' plain forecast for `horizon` steps, computed in one batch and kept: a
        portfolio asks series by series, and one batch costs what a few single calls do."""
        cache = self.__dict__.setdefault("_forecast_cache", {})
        if horizon not in cache:
            values = self.predict_panel(horizon)["forecast"].to_numpy().reshape(-1, horizon)
            keys = zip(
                self.history_.store_id.tolist(), self.history_.product_id.tolist(), strict=True
            )
            cache[horizon] = {key: values[i] for i, key in enumerate(keys)}
        return cache[horizon]

    def __getstate__(self) -> dict[str, Any]:
        """Pickled without the forecast cache (it is rebuilt on demand)."""
        return {k: v for k, v in self.__dict__.items() if k != "_forecast_cache"}

    def make_estimator(
        self, *, early_stopping: bool = False, n_estimators: int | None = None
    ) -> Any:
        """A fresh, unfitted regressor with this model's hyper-parameters."""
        trees = n_estimators or self.n_estimators
        if self.kind == "hgb":
            return HistGradientBoostingRegressor(
                loss=self.loss,
                max_iter=trees,
                learning_rate=self.learning_rate,
                max_depth=self.max_depth,
                min_samples_leaf=50,
                categorical_features="from_dtype",
                early_stopping=early_stopping,
                n_iter_no_change=_EARLY_STOPPING_ROUNDS,
                random_state=self.random_state,
            )
        from lightgbm import LGBMRegressor  # optional package: imported only when used

        extra = {"tweedie_variance_power": _TWEEDIE_POWER} if self.objective == "tweedie" else {}
        return LGBMRegressor(
            objective=self.loss,
            n_estimators=trees,
            learning_rate=self.learning_rate,
            max_depth=-1 if self.max_depth is None else self.max_depth,
            num_leaves=63,
            min_child_samples=50,
            subsample=0.8,
            subsample_freq=1,
            colsample_bytree=0.8,
            random_state=self.random_state,
            # STACK.md: default threading is pathological on 2 shared cores.
            n_jobs=1,
            deterministic=True,
            force_col_wise=True,
            verbosity=-1,
            **extra,
        )

    def params(self) -> dict[str, Any]:
        """Hyper-parameters and design, for the run's params (objective, strategy, features)."""
        return {
            "kind": self.kind,
            "objective": self.objective,
            "loss": self.loss,
            "strategy": STRATEGY,
            "max_step": self.max_step,
            "n_estimators_cap": self.n_estimators,
            "n_estimators": getattr(self, "best_iteration_", None),
            "learning_rate": self.learning_rate,
            "max_depth": self.max_depth,
            "random_state": self.random_state,
            "features": ",".join(getattr(self, "feature_names_", [])),
            "dropped_features": ",".join(getattr(self, "dropped_features_", [])),
        }


def future_grid(history: History, horizon: int) -> pd.DataFrame:
    """Every (series, step 1..horizon) with the date last observed day + step days."""
    steps = np.arange(1, horizon + 1)
    n_series = history.length.size
    return pd.DataFrame(
        {
            "store_id": np.repeat(history.store_id, horizon),
            "product_id": np.repeat(history.product_id, horizon),
            "date": (np.repeat(history.last_date, horizon) + np.tile(steps, n_series)).astype(
                "datetime64[ns]"
            ),
            "step": np.tile(steps, n_series),
        }
    )


def _column(panel: pd.DataFrame, column: str, rows: np.ndarray) -> np.ndarray:
    """A panel column at flat rows (0 where the panel lacks the column)."""
    if column not in panel:
        return np.zeros(rows.size)
    return panel[column].to_numpy(np.float64)[rows]


def _informative(values: np.ndarray) -> bool:
    """Whether a feature column varies among its known values (else it is dropped)."""
    known = values[np.isfinite(values)]
    return known.size > 0 and bool(known.min() != known.max())


def _with_exogenous(requests: pd.DataFrame, exogenous: pd.DataFrame | None) -> pd.DataFrame:
    """Requests with the supplied TARGET_INPUTS joined on (store_id, product_id, date)."""
    if exogenous is None:
        return requests
    unknown = set(exogenous.columns) - {*SERIES_KEYS, "date", *TARGET_INPUTS}
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
    The model is trained for the fold's farthest step (gap + horizon) unless `max_step` is given.
    """
    params.setdefault("max_step", split_config.gap + split_config.horizon)
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
        requests = panel.loc[ahead, [*SERIES_KEYS, "date", *TARGET_INPUTS]]
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
