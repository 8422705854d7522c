"""Read-side queries over the raw source tables: dimension listings (spec §4.1-4.4) and the
analytics of §4.5-4.9 (KPIs, drilldowns, time series, inventory status).

They read `raw.*`, not the dbt marts, so rows written by `POST /ingest/sales-daily` show up
at once, before the pipeline refreshes the marts.
"""
