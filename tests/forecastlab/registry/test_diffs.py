"""Pure pieces of the registry: run comparisons, loggable metrics, artifact URI guarding."""

from __future__ import annotations

import math

import pytest

from forecastlab.registry import UnsafeArtifactUriError
from forecastlab.registry.compare import config_diff, metrics_diff
from forecastlab.registry.updates import loggable_metrics
from forecastlab.registry.uris import RunArtifact, run_artifact

RUN = "0123456789abcdef0123456789abcdef"
OTHER = "fedcba9876543210fedcba9876543210"


def test_config_diff_is_shallow_and_names_missing_keys_none() -> None:
    a = {"season_length": 7, "nested": {"x": 1}, "same": [1, 2], "only_a": 0}
    b = {"season_length": 14, "nested": {"x": 2}, "same": [1, 2], "only_b": None}
    assert config_diff(a, b) == {
        "nested": {"a": {"x": 1}, "b": {"x": 2}},
        "only_a": {"a": 0, "b": None},
        "season_length": {"a": 7, "b": 14},
    }  # only_b is None on both sides: not a difference
    assert config_diff(a, a) == {}


def test_metrics_diff_takes_numbers_only() -> None:
    diff = metrics_diff(
        {"wape": 0.5, "n": 3, "flag": True, "text": "x", "only_a": 1.0},
        {"wape": 0.25, "n": 5, "flag": False, "text": 2},
    )
    assert diff == {
        "flag": {"a": None, "b": None, "diff": None},  # booleans are not metrics
        "n": {"a": 3.0, "b": 5.0, "diff": 2.0},
        "only_a": {"a": 1.0, "b": None, "diff": None},
        "text": {"a": None, "b": 2.0, "diff": None},
        "wape": {"a": 0.5, "b": 0.25, "diff": -0.25},
    }


def test_loggable_metrics_flatten_and_skip_what_mlflow_rejects() -> None:
    metrics = {
        "wape": 0.2,
        "count": 3,
        "h_1_7": {"wape": 0.1, "deep": {"mae": 2}},
        "flag": True,
        "note": "text",
        "bad name!": 1.0,
        "../escape": 1.0,
        "nan": math.nan,
    }
    assert dict(loggable_metrics(metrics)) == {
        "wape": 0.2,
        "count": 3.0,
        "h_1_7.wape": 0.1,
        "h_1_7.deep.mae": 2.0,
    }


@pytest.mark.parametrize(
    ("uri", "expected"),
    [
        (f"runs:/{RUN}/model", RunArtifact(RUN, "model")),
        (f"runs:/{OTHER}/data/weights.bin", RunArtifact(OTHER, "data/weights.bin")),
        ("model", RunArtifact(RUN, "model")),
        ("data/model_ab12.joblib", RunArtifact(RUN, "data/model_ab12.joblib")),
    ],
)
def test_artifact_uris_resolve_inside_the_store(uri: str, expected: RunArtifact) -> None:
    assert run_artifact(uri, RUN) == expected
    assert expected.uri == f"runs:/{expected.run_id}/{expected.path}"


@pytest.mark.parametrize(
    "uri",
    [
        "../model",
        "a/../../b",
        "./model",
        "model/",
        "a//b",
        "a\\..\\b",
        "/etc/passwd",
        "\\\\server\\share",
        "file:///etc/passwd",
        "s3://bucket/key",
        "C:/models/x",
        "models:/forecastlab-demand@production",
        f"runs:/{RUN}/",
        f"runs:/{RUN}/../{OTHER}/model",
        "runs:/short/model",
    ],
)
def test_escaping_artifact_uris_are_refused(uri: str) -> None:
    with pytest.raises(UnsafeArtifactUriError):
        run_artifact(uri, RUN)


def test_integers_beyond_float_range_are_not_numbers() -> None:
    huge = 10**400  # valid JSON, but no float holds it
    assert dict(loggable_metrics({"huge": huge, "wape": 1})) == {"wape": 1.0}
    assert metrics_diff({"huge": huge}, {"huge": 1}) == {
        "huge": {"a": None, "b": 1.0, "diff": None}
    }
