"""Forecasting assets: backtests, leaderboard, champions, the portfolio, batch forecasts."""
