"""Explanations of forecasts (spec §10, D-17): what a model's number is made of, and what in the
series' recent history a planner should know about it.

* `explanation` — the ForecastExplanation shape: drivers, reason codes, confidence, caveats;
* `history` — the series up to the cutoff and the facts the reason codes read (raw.*);
* `baselines` — rule-based explanations that reproduce a baseline's arithmetic exactly;
* `trees` — per-feature attributions of a tree ensemble: TreeSHAP (LightGBM) or the exact
  decision path (HistGradientBoosting);
* `tree_rows` — the future rows a logged tree model (single-series, global or a portfolio
  member) forecasts from;
* `contributions` — a tree model's forecast day as drivers: one per feature plus the bias;
* `narrative` — reason codes, caveats and the agent summary;
* `store` — `app.forecast_explanation`, where every explanation is kept;
* `service` — the functions behind `/explain/*`; `errors` — their 400.
"""
