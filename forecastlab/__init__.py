"""ForecastLab: the domain core (plain Python; imports neither dagster nor fastapi)."""

__version__ = "0.1.0"
