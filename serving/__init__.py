"""The HTTP API (FastAPI): thin routes over `forecastlab`, one router module per slice."""
