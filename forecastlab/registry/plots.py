"""The forecast-vs-actual figure logged with a model run."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import date
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from matplotlib.figure import Figure


def forecast_figure(
    dates: Sequence[date],
    actuals: Sequence[float],
    predictions: Sequence[float],
    title: str,
) -> Figure:
    """Actuals and predictions over the same dates.

    Built on an Agg canvas without pyplot: no GUI backend and no global figure state, so
    concurrent runs (Dagster threads, the API) cannot draw into each other's figures.
    """
    # Imported here: matplotlib adds about 1.5 s to importing the registry, and only logging
    # a plot needs it (the API and model loading do not).
    from matplotlib.backends.backend_agg import FigureCanvasAgg
    from matplotlib.figure import Figure

    if not len(dates) == len(actuals) == len(predictions):
        raise ValueError("plot dates, actuals and predictions must have the same length")
    figure = Figure(figsize=(10, 4), layout="constrained")
    FigureCanvasAgg(figure)
    axes = figure.add_subplot()
    axes.plot(dates, actuals, label="actual", color="#1f77b4")
    axes.plot(dates, predictions, label="forecast", color="#ff7f0e", linestyle="--")
    axes.set_title(title)
    axes.set_ylabel("quantity")
    axes.legend(loc="upper left")
    figure.autofmt_xdate()
    return figure
