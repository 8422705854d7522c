"""GET /registry/compare/{a}/{b} (spec §8.9): what differs between two runs."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from forecastlab.registry.runs import RunRecord, get_run


@dataclass(frozen=True)
class RunComparison:
    """Two runs, their config and metric differences, and whether comparing them is fair."""

    run_a: RunRecord
    run_b: RunRecord
    config_diff: dict[str, dict[str, Any]]
    metrics_diff: dict[str, dict[str, float | None]]
    comparable: bool


def compare_runs(run_id_a: str, run_id_b: str) -> RunComparison:
    """Compare two runs; RunNotFoundError if either is missing."""
    a, b = get_run(run_id_a), get_run(run_id_b)
    return RunComparison(
        run_a=a,
        run_b=b,
        config_diff=config_diff(a.model_config, b.model_config),
        metrics_diff=metrics_diff(a.metrics or {}, b.metrics or {}),
        comparable=comparable(a, b),
    )


def config_diff(a: dict[str, Any], b: dict[str, Any]) -> dict[str, dict[str, Any]]:
    """Shallow: every top-level key whose values differ, as {a, b} (a missing key is None)."""
    return {
        key: {"a": a.get(key), "b": b.get(key)}
        for key in sorted(a.keys() | b.keys())
        if a.get(key) != b.get(key)
    }


def metrics_diff(a: dict[str, Any], b: dict[str, Any]) -> dict[str, dict[str, float | None]]:
    """Every key of either side: numeric values as floats (else None), diff = b - a if both."""
    diff: dict[str, dict[str, float | None]] = {}
    for key in sorted(a.keys() | b.keys()):
        value_a, value_b = _number(a.get(key)), _number(b.get(key))
        change = None if value_a is None or value_b is None else value_b - value_a
        diff[key] = {"a": value_a, "b": value_b, "diff": change}
    return diff


def comparable(a: RunRecord, b: RunRecord) -> bool:
    """Same grain, overlapping data windows and the same feature_frame_version (spec §8.9)."""
    start_a, end_a, start_b, end_b = (
        a.data_window_start,
        a.data_window_end,
        b.data_window_start,
        b.data_window_end,
    )
    if start_a is None or end_a is None or start_b is None or end_b is None:
        return False
    overlap = start_a <= end_b and start_b <= end_a
    return (
        (a.store_id, a.product_id) == (b.store_id, b.product_id)
        and overlap
        and a.effective_frame_version == b.effective_frame_version
    )


def _number(value: Any) -> float | None:
    if not isinstance(value, int | float) or isinstance(value, bool):
        return None
    try:
        return float(value)
    except OverflowError:  # an integer beyond float's range is not a comparable metric
        return None
