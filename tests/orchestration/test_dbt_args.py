"""The pure functions that build dbt command lines."""

from __future__ import annotations

import json
from datetime import date

import pytest

from orchestration.defs.warehouse.args import daily_build_args


def test_daily_build_passes_the_partition_range_as_vars() -> None:
    args = daily_build_args(date(2025, 1, 1), date(2025, 1, 31))
    assert args[:2] == ["build", "--vars"]
    assert json.loads(args[2]) == {"min_date": "2025-01-01", "max_date": "2025-01-31"}


def test_daily_build_rejects_an_inverted_range() -> None:
    with pytest.raises(ValueError, match="inverted"):
        daily_build_args(date(2025, 2, 1), date(2025, 1, 31))
