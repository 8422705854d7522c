"""The MLflow pyfunc every forecastlab model is logged as, single-series or portfolio.

Input: a DataFrame of forecast requests with `horizon` and, optionally, `store_id`,
`product_id` and the model's feature columns. Without feature columns each row is one request
for `horizon` steps. With them, the rows of one (store_id, product_id) group are the future
feature rows X in step order, so the group has exactly `horizon` rows. Output: one row per
step, columns store_id, product_id, step (1..horizon), forecast.

The forecaster is pickled into its own artifact (joblib, as in spec §6.6's bundle) next to a
JSON bundle of its metadata; the wrapper itself carries no state, so its pickle stays small.
"""

from __future__ import annotations

import json
import logging
import platform
import tempfile
import warnings
from collections.abc import Iterator
from importlib.metadata import version
from pathlib import Path
from typing import Any

import joblib
import mlflow.pyfunc
import numpy as np
import pandas as pd
from mlflow.models import ModelSignature, infer_signature
from mlflow.types.schema import ColSpec, Schema

from forecastlab.registry.portfolio import SeriesForecaster, forecast_with
from forecastlab.registry.versions import pip_requirements

log = logging.getLogger(__name__)

FORECASTER_ARTIFACT = "forecaster"
BUNDLE_ARTIFACT = "bundle"
OUTPUT_COLUMNS = ["store_id", "product_id", "step", "forecast"]

_Request = tuple[int | None, int | None, int, pd.DataFrame | None]


class ForecastLabModel(mlflow.pyfunc.PythonModel):
    """pyfunc wrapper around a fitted forecaster; `forecaster` and `bundle` after loading."""

    forecaster: Any
    bundle: dict[str, Any]

    def load_context(self, context: mlflow.pyfunc.PythonModelContext) -> None:
        """Unpickle the forecaster and read its bundle metadata."""
        self.forecaster = joblib.load(context.artifacts[FORECASTER_ARTIFACT])
        self.bundle = json.loads(Path(context.artifacts[BUNDLE_ARTIFACT]).read_text())
        _warn_on_version_drift(self.bundle.get("runtime_info") or {})

    def predict(
        self,
        context: mlflow.pyfunc.PythonModelContext,
        model_input: pd.DataFrame,
        params: dict[str, Any] | None = None,
    ) -> pd.DataFrame:
        """Answer every request of `model_input` (see the module docstring for the layout)."""
        frames = []
        for store_id, product_id, horizon, X in _requests(
            model_input, self.bundle.get("feature_columns") or []
        ):
            store_id, product_id = self._grain(store_id, product_id)
            values = forecast_with(self.forecaster, store_id, product_id, horizon, X)
            if values.shape != (horizon,):
                raise ValueError(f"the model returned {values.shape} values for horizon {horizon}")
            frames.append(
                pd.DataFrame(
                    {
                        "store_id": store_id,
                        "product_id": product_id,
                        "step": np.arange(1, horizon + 1),
                        "forecast": values,
                    }
                )
            )
        if not frames:
            return pd.DataFrame(columns=OUTPUT_COLUMNS)
        return pd.concat(frames, ignore_index=True)

    def _grain(self, store_id: int | None, product_id: int | None) -> tuple[int | None, int | None]:
        """The request's series; a single-series model only answers its own (spec §6.5)."""
        if isinstance(self.forecaster, SeriesForecaster):
            return store_id, product_id
        own = (self.bundle.get("store_id"), self.bundle.get("product_id"))
        asked_grain = (store_id, product_id)
        for asked, trained, name in zip(asked_grain, own, ("store_id", "product_id"), strict=True):
            if asked is not None and trained is not None and asked != trained:
                raise ValueError(f"this model was trained for {name} {trained}, not {asked}")
        return (
            store_id if store_id is not None else own[0],
            product_id if product_id is not None else own[1],
        )


def save_model(
    path: Path,
    forecaster: Any,
    bundle: dict[str, Any],
    input_example: pd.DataFrame | None = None,
) -> None:
    """Write the pyfunc directory for `forecaster` to `path` (which must not exist yet)."""
    with tempfile.TemporaryDirectory(prefix="forecastlab-bundle-") as staging:
        forecaster_file = Path(staging) / "forecaster.joblib"
        joblib.dump(forecaster, forecaster_file, compress=3)
        bundle_file = Path(staging) / "bundle.json"
        bundle_file.write_text(json.dumps(bundle, indent=2, sort_keys=True, default=str))
        with warnings.catch_warnings():
            # The signature is explicit; MLflow nags about a missing example regardless.
            warnings.filterwarnings("ignore", message=".*input example was not provided")
            mlflow.pyfunc.save_model(
                path=str(path),
                python_model=ForecastLabModel(),
                artifacts={
                    FORECASTER_ARTIFACT: str(forecaster_file),
                    BUNDLE_ARTIFACT: str(bundle_file),
                },
                signature=signature(bundle.get("feature_columns") or [], input_example),
                input_example=input_example,
                pip_requirements=pip_requirements(),
                # MLflow would copy uv.lock/pyproject.toml from whatever the working directory
                # is, so the same model would differ by where it was trained; the pins above
                # say what it needs. The staging directory holds no uv project.
                uv_project_path=staging,
            )


def signature(
    feature_columns: list[str], input_example: pd.DataFrame | None = None
) -> ModelSignature:
    """The request/response schema; feature columns take their types from the example."""
    example_types: dict[str | None, Any] = {}
    present = [c for c in feature_columns if input_example is not None and c in input_example]
    if input_example is not None and present:
        inferred = infer_signature(input_example[present]).inputs.inputs
        example_types = {c.name: c.type for c in inferred}
    inputs = [
        ColSpec("long", "store_id", required=False),
        ColSpec("long", "product_id", required=False),
        ColSpec("long", "horizon"),
        *(
            ColSpec(example_types.get(name, "double"), name, required=False)
            for name in feature_columns
        ),
    ]
    outputs = [
        ColSpec("long", "store_id", required=False),
        ColSpec("long", "product_id", required=False),
        ColSpec("long", "step"),
        ColSpec("double", "forecast"),
    ]
    return ModelSignature(inputs=Schema(inputs), outputs=Schema(outputs))


def _requests(frame: pd.DataFrame, feature_columns: list[str]) -> Iterator[_Request]:
    if "horizon" not in frame.columns:
        raise ValueError("the input needs a `horizon` column")
    present = [c for c in feature_columns if c in frame.columns]
    if present and len(present) != len(feature_columns):
        missing = sorted(set(feature_columns) - set(present))
        raise ValueError(f"the input has some feature columns but lacks {missing}")
    if not present:
        for row in frame.to_dict("records"):
            yield _id(row.get("store_id")), _id(row.get("product_id")), int(row["horizon"]), None
        return
    keys = [c for c in ("store_id", "product_id") if c in frame.columns]
    groups = frame.groupby(keys, sort=False, dropna=False) if keys else [((), frame)]
    for _, rows in groups:
        horizons = rows["horizon"].unique()
        if len(horizons) != 1 or int(horizons[0]) != len(rows):
            raise ValueError(
                "with feature columns a series needs one row per step: "
                f"horizon {horizons.tolist()} over {len(rows)} rows"
            )
        first = rows.iloc[0]
        yield (
            _id(first.get("store_id")),
            _id(first.get("product_id")),
            len(rows),
            rows[feature_columns].reset_index(drop=True),
        )


def _id(value: Any) -> int | None:
    return None if value is None or pd.isna(value) else int(value)


def _warn_on_version_drift(saved: dict[str, str]) -> None:
    """Spec §6.6: a model saved under another Python minor or scikit-learn version may differ."""
    python_minor = ".".join(platform.python_version().split(".")[:2])
    saved_python = str(saved.get("python_version", ""))
    if saved_python and not saved_python.startswith(python_minor + "."):
        log.warning("model saved with Python %s, running %s", saved_python, python_minor)
    saved_sklearn, sklearn = saved.get("sklearn_version"), version("scikit-learn")
    if saved_sklearn and saved_sklearn != sklearn:
        log.warning("model saved with scikit-learn %s, running %s", saved_sklearn, sklearn)
