"""dbt assets: staging views, dimensions and the daily feature marts."""
