"""Parquet files with the same columns load like their CSV twins."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

import pandas as pd
import pytest
from sqlalchemy import Engine

from forecastlab.loader import LoadIssue, LoadValidationError, load_folder
from tests.forecastlab.loader.conftest import EXAMPLE, loaded_hashes

pytest.importorskip("pyarrow")


def test_a_parquet_folder_loads_like_the_csv_folder(
    empty_db: Callable[[], Engine], tmp_path: Path
) -> None:
    for csv in EXAMPLE.glob("*.csv"):
        frame = pd.read_csv(csv, dtype=str, keep_default_na=False)
        if "date" in frame:  # a typed column, as a real export would have it
            frame["date"] = pd.to_datetime(frame["date"]).dt.date
        frame.to_parquet(tmp_path / f"{csv.stem}.parquet", index=False)
    from_csv, from_parquet = empty_db(), empty_db()
    load_folder(from_csv, EXAMPLE)
    load_folder(from_parquet, tmp_path)
    assert loaded_hashes(from_parquet) == loaded_hashes(from_csv)

    frame = pd.read_parquet(tmp_path / "sales.parquet")
    frame.loc[2, "quantity"] = "lots"
    frame.to_parquet(tmp_path / "sales.parquet", index=False)
    with pytest.raises(LoadValidationError) as caught:
        load_folder(from_parquet, tmp_path)
    assert caught.value.issues == [
        LoadIssue("sales.parquet", 4, "quantity", "not a whole number: 'lots'")
    ]
