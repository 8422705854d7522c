"""Helpers that turn frames into Dagster UI metadata."""

import dagster as dg
import pandas as pd


def markdown_table(frame: pd.DataFrame, digits: int = 2) -> dg.MetadataValue:
    """A frame as a Markdown table for the Dagster UI."""
    shown = frame.round(digits).astype(object).where(frame.notna(), "")
    lines = [
        "| " + " | ".join(map(str, shown.columns)) + " |",
        "|" + "---|" * len(shown.columns),
        *("| " + " | ".join(map(str, row)) + " |" for row in shown.itertuples(index=False)),
    ]
    return dg.MetadataValue.md("\n".join(lines))
