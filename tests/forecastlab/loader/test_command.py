"""`forecastlab load PATH` against a fresh database."""

from __future__ import annotations

import shutil
from collections.abc import Callable
from pathlib import Path

import pytest
from sqlalchemy import text
from typer.testing import CliRunner

from forecastlab.cli import app
from forecastlab.db.endpoints import Endpoints
from forecastlab.db.engine import engine_for
from tests.forecastlab.loader.conftest import EXAMPLE

runner = CliRunner()


def test_load_prints_the_report_and_bad_folders_exit_2(
    fresh_database: Callable[[str], Endpoints], monkeypatch: pytest.MonkeyPatch, tmp_path: Path
) -> None:
    eps = fresh_database("load_cli")
    monkeypatch.setenv("DATABASE_URL", eps.app_libpq)
    result = runner.invoke(app, ["load", str(EXAMPLE)], terminal_width=200)
    assert result.exit_code == 0, result.output
    assert "sales.csv" in result.output and "2025-03-03 .. 2025-03-09" in result.output
    with engine_for(eps.app_sqlalchemy).connect() as conn:
        assert conn.execute(text("select count(*) from raw.sales_daily")).scalar_one() == 42

    bad = tmp_path / "bad"
    shutil.copytree(EXAMPLE, bad)
    (bad / "stores.csv").write_text("store_code,name\nS01,Harbour Street\nS01,Twice\n")
    result = runner.invoke(app, ["load", str(bad)], terminal_width=200)
    assert result.exit_code == 2, result.output
    assert "1 issue(s); nothing was loaded" in result.output
    assert "stores.csv" in result.output and "duplicate key (store_code)" in result.output
