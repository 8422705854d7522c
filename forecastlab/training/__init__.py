"""The training pipeline: sharded backtests, leaderboard, champions, the portfolio, batch forecasts.

Each step is a plain function over the warehouse; Dagster assets call them one to one.
"""
