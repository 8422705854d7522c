"""Benchmark: the HTTP API under concurrent load vs the same work called in process.

On a freshly seeded embedded PostgreSQL (retail_standard, default 10 stores x 50 products x
365 days) it trains two models through `forecastlab.forecasting.service.train`, starts the API
(`uvicorn serving.main:app`, one worker) and drives it with `--concurrency` clients for
`--requests` requests per endpoint:

  * `GET /analytics/kpis` over the last 90 days of every store, next to `sales_kpis(...)`;
  * `POST /forecasting/predict` (horizon 14) for a seasonal-naive and a LightGBM run, next to
    `forecasting.service.predict(...)` with the model already cached.

It reports requests/s and p50/p99 latency, and the overhead ratios: in-process calls/s over
HTTP requests/s, and HTTP p50 over the in-process mean. The load generator, the server and
PostgreSQL share the machine (2 cores here), so the ratios include that contention.

Usage: .venv/bin/python bench/api_load.py [--stores 10 --products 50 --days 365]
       [--requests 2000 --concurrency 16] [--write-readme]   # replace "## API under load"
"""

from __future__ import annotations

import argparse
import asyncio
import os
import socket
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable
from datetime import date, timedelta
from pathlib import Path
from typing import Any

import httpx
import numpy as np

REPO = Path(__file__).resolve().parents[1]
if str(REPO) not in sys.path:
    sys.path.insert(0, str(REPO))

from bench.readme import write_section  # noqa: E402

SECTION = "## API under load"
END_DATE = date(2025, 6, 30)
KPI_DAYS = 90
HORIZON = 14


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


def _wait_healthy(base_url: str, server: subprocess.Popen[bytes], deadline_s: float = 60) -> None:
    stop = time.monotonic() + deadline_s
    while time.monotonic() < stop:
        if server.poll() is not None:
            raise RuntimeError(f"uvicorn exited with {server.returncode}")
        try:
            if httpx.get(f"{base_url}/health", timeout=1).status_code == 200:
                return
        except httpx.TransportError:
            pass
        time.sleep(0.2)
    raise RuntimeError(f"the API at {base_url} did not become healthy in {deadline_s} s")


async def _load(
    base_url: str, method: str, path: str, body: dict[str, Any] | None, total: int, conc: int
) -> dict[str, float]:
    """`total` requests from `conc` concurrent clients; every response must be 200."""
    latencies: list[float] = []
    remaining = iter(range(total))
    limits = httpx.Limits(max_connections=conc, max_keepalive_connections=conc)

    async with httpx.AsyncClient(base_url=base_url, limits=limits, timeout=60) as client:

        async def worker() -> None:
            for _ in remaining:
                started = time.perf_counter()
                response = await client.request(method, path, json=body)
                latencies.append(time.perf_counter() - started)
                if response.status_code != 200:
                    raise RuntimeError(f"{path}: {response.status_code} {response.text[:300]}")

        for _ in range(min(20, total)):  # warm the connections and the server's caches
            await client.request(method, path, json=body)
        started = time.perf_counter()
        await asyncio.gather(*(worker() for _ in range(conc)))
        wall = time.perf_counter() - started
    ms = np.array(latencies) * 1000
    return {
        "rps": total / wall,
        "p50_ms": float(np.percentile(ms, 50)),
        "p99_ms": float(np.percentile(ms, 99)),
    }


def _in_process(call: Callable[[], object], repeats: int) -> dict[str, float]:
    call()  # warm: imports, model cache, connection pool
    started = time.perf_counter()
    for _ in range(repeats):
        call()
    mean_ms = (time.perf_counter() - started) / repeats * 1000
    return {"mean_ms": mean_ms, "calls_per_s": 1000 / mean_ms}


def run(args: argparse.Namespace) -> dict[str, Any]:
    """Seed, train, serve, load."""
    from forecastlab.analytics.kpis import sales_kpis
    from forecastlab.analytics.scope import SalesScope
    from forecastlab.db.engine import engine_for
    from forecastlab.forecasting import service
    from forecastlab.forecasting.requests import PredictRequest, TrainRequest
    from forecastlab.models import LightGBMConfig, SeasonalNaiveConfig
    from forecastlab.seeder import build_config, generate
    from tests.support.pg import test_server

    os.environ.pop("DATABASE_URL", None)  # always a fresh embedded server in a short /tmp path
    out: dict[str, Any] = vars(args).copy()
    start = END_DATE - timedelta(days=args.days - 1)
    with test_server() as server, tempfile.TemporaryDirectory(prefix="flbench-api-") as home:
        endpoints = server.new_endpoints("benchapi")
        env = {
            "DATABASE_URL": endpoints.app_libpq,
            "DAGSTER_PG_URL": endpoints.dagster_url,
            "MLFLOW_TRACKING_URI": endpoints.mlflow_uri,
            "FORECASTLAB_HOME": home,
        }
        os.environ.update(env)
        engine = engine_for(endpoints.app_sqlalchemy)
        config = build_config(
            "retail_standard",
            seed=42,
            stores=args.stores,
            products=args.products,
            start_date=start,
            end_date=END_DATE,
            today=END_DATE,
        )
        generate(engine, config)
        store_id, product_id = 1, 1
        runs = {}
        for name, model in (
            ("seasonal_naive", SeasonalNaiveConfig()),
            ("lightgbm", LightGBMConfig()),
        ):
            trained = service.train(
                engine,
                TrainRequest(
                    store_id=store_id,
                    product_id=product_id,
                    train_start_date=start,
                    train_end_date=END_DATE,
                    config=model,
                ),
            )
            runs[name] = trained.run_id
        scope = SalesScope(END_DATE - timedelta(days=KPI_DAYS - 1), END_DATE, None, None, None)
        kpi_params = f"start_date={scope.start_date}&end_date={scope.end_date}"
        cases: dict[str, tuple[str, str, dict[str, Any] | None, Callable[[], object]]] = {
            "GET /analytics/kpis (90 days, all stores)": (
                "GET",
                f"/analytics/kpis?{kpi_params}",
                None,
                lambda: sales_kpis(engine, scope, max_range_days=730),
            ),
        }
        for name, run_id in runs.items():
            body = {"store_id": store_id, "product_id": product_id, "horizon": HORIZON}
            request = PredictRequest(run_id=run_id, **body)
            cases[f"POST /forecasting/predict ({name}, h={HORIZON})"] = (
                "POST",
                "/forecasting/predict",
                {**body, "run_id": run_id},
                lambda request=request: service.predict(engine, request),
            )

        port = _free_port()
        base_url = f"http://127.0.0.1:{port}"
        uvicorn = [
            f"{Path(sys.executable).parent}/uvicorn", "serving.main:app",
            "--host", "127.0.0.1", "--port", str(port), "--log-level", "warning",
            "--no-access-log",
        ]  # fmt: skip
        server_proc = subprocess.Popen(uvicorn, cwd=REPO, env={**os.environ, **env})
        try:
            _wait_healthy(base_url, server_proc)
            results = {}
            for label, (method, path, body, call) in cases.items():
                http = asyncio.run(
                    _load(base_url, method, path, body, args.requests, args.concurrency)
                )
                local = _in_process(call, repeats=min(args.requests, 300))
                results[label] = {**http, **local}
                print(label, {k: round(v, 2) for k, v in results[label].items()}, flush=True)
        finally:
            server_proc.terminate()
            server_proc.wait(timeout=30)
    out["results"] = results
    return out


def render(r: dict[str, Any]) -> str:
    """The README section for one run."""
    rows = "\n".join(
        f"| {label} | {m['rps']:.0f} | {m['p50_ms']:.1f} / {m['p99_ms']:.1f} | "
        f"{m['mean_ms']:.2f} ({m['calls_per_s']:.0f}/s) | "
        f"**{m['calls_per_s'] / m['rps']:.2f}** | {m['p50_ms'] / m['mean_ms']:.1f} |"
        for label, m in r["results"].items()
    )
    return f"""{SECTION}

`bench/api_load.py` — retail_standard (seed 42), {r["stores"]} stores x {r["products"]} products
x {r["days"]} days on a fresh embedded PostgreSQL; the API as `uvicorn serving.main:app` with one
worker; {r["requests"]:,} requests per endpoint from {r["concurrency"]} concurrent keep-alive
clients (httpx, asyncio) after a warm-up; in process = the same function the route calls, in a
loop on one thread (the predict model already cached). Load generator, API and PostgreSQL share
the 2 cores. Run: `.venv/bin/python bench/api_load.py --write-readme`.

| endpoint | HTTP req/s | HTTP p50 / p99 ms | in process ms (calls/s) | overhead | p50 ratio |
|---|---|---|---|---|---|
{rows}

overhead = in-process calls/s ÷ HTTP requests/s: near 1, HTTP adds little to the work itself.
p50 ratio = HTTP p50 ÷ in-process mean, which mixes that overhead with queueing behind
{r["concurrency"]} concurrent clients.
"""


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--stores", type=int, default=10)
    parser.add_argument("--products", type=int, default=50)
    parser.add_argument("--days", type=int, default=365)
    parser.add_argument("--requests", type=int, default=2000)
    parser.add_argument("--concurrency", type=int, default=16)
    parser.add_argument("--write-readme", action="store_true")
    args = parser.parse_args()
    section = render(run(args))
    print(section)
    if args.write_readme:
        write_section(section)


if __name__ == "__main__":
    main()
