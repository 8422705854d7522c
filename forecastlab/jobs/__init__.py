"""`/jobs`: train, predict and backtest runs launched as named Dagster jobs (DESIGN "Jobs mapping").

The API and the Dagster jobs share this package, so neither shell holds job logic:

* `contract` — the job names, the job-type tag and the run-config shape both shells agree on;
* `params` — `{job_type, params}` to the synchronous endpoint's validated request (422 up front);
* `status` — Dagster run statuses to the contract's job statuses, and which may be cancelled;
* `records` — one job as the API reports it, and the allow-listed sort of a listing;
* `store` — `app.job_result`, where a job's step writes its result or its error;
* `execute` — run one job (the same service calls as the synchronous endpoints) and record it.
"""
