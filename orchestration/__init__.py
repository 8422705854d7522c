"""The Dagster code location: thin asset/job shells around the `forecastlab` core."""
