"""Train, predict and backtest one series on demand (spec §6.4, §6.5, §7) — the functions
behind `/forecasting/*`, `/backtesting/run` and the Dagster jobs that `/jobs` launches."""
