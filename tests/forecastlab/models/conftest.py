"""Model-zoo test fixtures: isolated settings and a small synthetic V1 feature frame."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

from forecastlab.settings import Settings

V1_COLUMNS = (
    "lag_1",
    "lag_7",
    "lag_14",
    "lag_28",
    "dow_sin",
    "dow_cos",
    "month_sin",
    "month_cos",
    "is_weekend",
    "is_month_end",
    "price_factor",
    "promo_active",
    "is_holiday",
    "days_since_launch",
)


@pytest.fixture
def settings(monkeypatch: pytest.MonkeyPatch) -> Settings:
    """Default settings, unaffected by the caller's environment or `.env`."""
    for flag in ("LIGHTGBM", "XGBOOST", "RANDOM_FOREST"):
        monkeypatch.delenv(f"FORECAST_ENABLE_{flag}", raising=False)
    monkeypatch.delenv("FORECAST_RANDOM_SEED", raising=False)
    return Settings(_env_file=None)


@pytest.fixture
def all_enabled(settings: Settings) -> Settings:
    """Settings with every opt-in model switched on."""
    return settings.model_copy(
        update={"forecast_enable_xgboost": True, "forecast_enable_random_forest": True}
    )


def make_frame(rows: int, seed: int) -> tuple[np.ndarray, pd.DataFrame]:
    """A V1-shaped frame (with a few NaN lags) and a positive target that depends on it."""
    rng = np.random.default_rng(seed)
    day = np.arange(rows)
    frame = pd.DataFrame(
        {
            "lag_1": rng.uniform(5, 15, rows),
            "lag_7": rng.uniform(5, 15, rows),
            "lag_14": rng.uniform(5, 15, rows),
            "lag_28": rng.uniform(5, 15, rows),
            "dow_sin": np.sin(2 * np.pi * day / 7),
            "dow_cos": np.cos(2 * np.pi * day / 7),
            "month_sin": np.sin(2 * np.pi * day / 365),
            "month_cos": np.cos(2 * np.pi * day / 365),
            "is_weekend": (day % 7 >= 5).astype(float),
            "is_month_end": (day % 30 == 29).astype(float),
            "price_factor": rng.uniform(0.8, 1.2, rows),
            "promo_active": (rng.uniform(size=rows) < 0.2).astype(float),
            "is_holiday": (day % 50 == 0).astype(float),
            "days_since_launch": 100.0 + day,
        },
        columns=list(V1_COLUMNS),
    )
    frame.loc[: min(27, rows - 1), "lag_28"] = np.nan
    y = (
        10
        + 0.5 * frame["lag_7"].to_numpy()
        + 3 * frame["is_weekend"].to_numpy()
        + 4 * frame["promo_active"].to_numpy()
        + rng.normal(0, 0.5, rows)
    )
    return y, frame


@pytest.fixture
def training_data() -> tuple[np.ndarray, pd.DataFrame, pd.DataFrame]:
    """(y, X) with 120 rows and a 7-row future frame with the same columns."""
    y, X = make_frame(127, seed=3)
    return y[:120], X.iloc[:120].reset_index(drop=True), X.iloc[120:].reset_index(drop=True)
