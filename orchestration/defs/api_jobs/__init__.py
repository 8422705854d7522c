"""The jobs `POST /jobs` launches: train, predict or backtest one series (DESIGN "Jobs")."""
