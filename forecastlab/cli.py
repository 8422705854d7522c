"""The `forecastlab` command: database lifecycle, migrations, the Forge, the demo and the UIs."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import time
from collections.abc import Iterator
from contextlib import contextmanager
from datetime import date
from pathlib import Path
from typing import Annotated

import typer
from pydantic import ValidationError
from rich.console import Console
from rich.progress import BarColumn, Progress, TaskID, TextColumn, TimeElapsedColumn
from rich.table import Table

from forecastlab import registry, seeder
from forecastlab.db import embedded
from forecastlab.db.endpoints import ConfigurationError, Endpoints, resolve
from forecastlab.db.engine import app_engine, ensure_databases
from forecastlab.db.migrate import current_revision, upgrade
from forecastlab.db.stats import date_range, table_counts
from forecastlab.loader import LoadReport, LoadValidationError, load_folder
from forecastlab.runtime import prepare_dagster_home, service_env
from forecastlab.settings import PROJECT_ROOT, Settings, get_settings
from forecastlab.training.selection import holdout_evidence, leaderboard, policy_comparison

console = Console()
err = Console(stderr=True)

app = typer.Typer(
    help="ForecastLab: retail demand forecasting as a pipeline.", no_args_is_help=True
)
db_app = typer.Typer(help="The PostgreSQL server (embedded by default, or DATABASE_URL).")
seed_app = typer.Typer(help="The Forge: seed synthetic retail history.")
app.add_typer(db_app, name="db")
app.add_typer(seed_app, name="seed")


def _settings() -> Settings:
    try:
        return get_settings()
    except ValidationError as exc:
        problems = "; ".join(
            f"{'.'.join(str(p) for p in e['loc']).upper()}: {e['msg']}" for e in exc.errors()
        )
        err.print(f"[red]Bad configuration[/red] ({problems}). Fix the environment or .env.")
        raise typer.Exit(2) from exc


def _endpoints(settings: Settings, *, start_embedded: bool = True) -> Endpoints:
    try:
        return resolve(settings, start_embedded=start_embedded)
    except ConfigurationError as exc:
        err.print(f"[red]{exc}[/red]")
        raise typer.Exit(2) from exc


def _bring_up(settings: Settings) -> Endpoints:
    endpoints = _endpoints(settings)
    try:
        ensure_databases(endpoints)
    except Exception as exc:  # connection refused, auth failure, no CREATEDB right ...
        err.print(f"[red]Cannot prepare the databases: {exc}[/red]")
        raise typer.Exit(2) from exc
    return endpoints


@db_app.command("up")
def db_up() -> None:
    """Start the embedded server (when DATABASE_URL is unset) and create the three databases."""
    settings = _settings()
    endpoints = _endpoints(settings)
    created = ensure_databases(endpoints)
    where = f"embedded server in {settings.pgdata_dir}" if endpoints.embedded else "DATABASE_URL"
    console.print(f"PostgreSQL is up ({where}).")
    if created:
        console.print(f"Created databases: {', '.join(created)}")


@db_app.command("down")
def db_down() -> None:
    """Stop the embedded server (a server named by DATABASE_URL is left alone)."""
    settings = _settings()
    if settings.database_url:
        console.print("DATABASE_URL names an external server; nothing to stop.")
        return
    stopped = embedded.stop(settings.pgdata_dir)
    console.print(
        "Embedded PostgreSQL stopped." if stopped else "Embedded PostgreSQL was not running."
    )


@db_app.command("status")
def db_status() -> None:
    """Where the database is, whether it runs, its migration revision and raw row counts."""
    settings = _settings()
    if not settings.database_url:
        status = embedded.status(settings.pgdata_dir)
        state = f"running (pid {status.pid})" if status.running else "stopped"
        console.print(f"Embedded PostgreSQL in {status.pgdata}: {state}")
        if not status.running:
            console.print("Start it with `forecastlab db up`.")
            raise typer.Exit(1)
    endpoints = _endpoints(settings, start_embedded=False)
    try:
        revision = current_revision(endpoints)
    except Exception as exc:
        err.print(f"[red]Cannot reach the app database: {exc}[/red]")
        raise typer.Exit(1) from exc
    console.print(
        f"App database: {endpoints.app.database}; migration revision: {revision or 'none'}"
    )
    if revision:
        _print_counts(endpoints, ("raw",))


@app.command("env")
def env() -> None:
    """Print DATABASE_URL, DAGSTER_PG_URL, MLFLOW_TRACKING_URI and DAGSTER_HOME as KEY=VALUE."""
    settings = _settings()
    for key, value in service_env(settings, _endpoints(settings, start_embedded=False)).items():
        print(f"{key}={value}")


@app.command("migrate")
def migrate() -> None:
    """Create missing databases and apply the Alembic migrations (forward-only)."""
    settings = _settings()
    endpoints = _bring_up(settings)
    revision = upgrade(endpoints)
    console.print(f"Migrated {endpoints.app.database} to revision {revision}.")


@contextmanager
def _progress() -> Iterator[seeder.ProgressFn]:
    with Progress(
        TextColumn("{task.description:<28}"),
        BarColumn(),
        TextColumn("{task.completed:>10,.0f}/{task.total:,.0f}"),
        TimeElapsedColumn(),
        console=console,
        transient=False,
    ) as bar:
        tasks: dict[str, TaskID] = {}

        def report(stage: str, done: int, total: int) -> None:
            if stage not in tasks:
                tasks[stage] = bar.add_task(stage, total=max(total, 1))
            bar.update(tasks[stage], completed=done, total=max(total, 1))

        yield report


def _seed_progress(settings: Settings):
    if settings.seeder_enable_progress and console.is_terminal:
        return _progress()
    return _no_progress()


@contextmanager
def _no_progress() -> Iterator[None]:
    yield None


def _guard_production(settings: Settings) -> None:
    if settings.app_env == "production" and not settings.seeder_allow_production:
        err.print(
            "[red]Seeding is disabled in production (set SEEDER_ALLOW_PRODUCTION=true).[/red]"
        )
        raise typer.Exit(2)


def _print_seed(result: seeder.SeedResult) -> None:
    table = Table(title=result.message)
    table.add_column("records")
    table.add_column("rows", justify="right")
    for name, rows in result.records_created.items():
        table.add_row(name, f"{rows:,}")
    console.print(table)


@seed_app.callback(invoke_without_command=True)
def seed(
    ctx: typer.Context,
    preset: Annotated[str, typer.Option(help="One of the Forge presets.")] = "retail_standard",
    seed: Annotated[int, typer.Option(min=0, help="Random seed.")] = 42,
    stores: Annotated[int | None, typer.Option(help="1-100 stores.")] = None,
    products: Annotated[int | None, typer.Option(help="1-500 products.")] = None,
    window_days: Annotated[
        int | None, typer.Option(help="75-365 days before the end date.")
    ] = None,
    sparsity: Annotated[float | None, typer.Option(help="0-0.9 share of missing series.")] = None,
    promotion_intensity: Annotated[float | None, typer.Option(help="0-0.5.")] = None,
    stockout_intensity: Annotated[float | None, typer.Option(help="0-0.5.")] = None,
    noise_sigma: Annotated[float | None, typer.Option(help="0-0.5.")] = None,
    start_date: Annotated[str | None, typer.Option(help="YYYY-MM-DD (default: preset).")] = None,
    end_date: Annotated[
        str | None, typer.Option(help="YYYY-MM-DD; the preset's window ends here (default: today).")
    ] = None,
) -> None:
    """Re-seed the raw tables with a preset (replaces what was there)."""
    if ctx.invoked_subcommand is not None:
        return
    settings = _settings()
    _guard_production(settings)
    if preset not in seeder.PRESETS:
        err.print(
            f"[red]Unknown preset {preset!r}; choose one of: {', '.join(seeder.PRESETS)}[/red]"
        )
        raise typer.Exit(2)
    knobs = {
        "stores": stores,
        "products": products,
        "window_days": window_days,
        "sparsity": sparsity,
        "promotion_intensity": promotion_intensity,
        "stockout_intensity": stockout_intensity,
        "noise_sigma": noise_sigma,
    }
    try:
        end = _parse_date("--end-date", end_date)
        config = seeder.build_config(
            preset,
            seed=seed,
            start_date=_parse_date("--start-date", start_date),
            end_date=end,
            today=end,  # a preset's window keeps its length, ending on --end-date
            overrides={k: v for k, v in knobs.items() if v is not None} or None,
        )
    except (seeder.SeederConfigError, ValidationError) as exc:
        err.print(f"[red]{exc}[/red]")
        raise typer.Exit(2) from exc
    engine = app_engine(_bring_up(settings))
    with _seed_progress(settings) as progress:
        result = seeder.generate(engine, config, progress=progress)
    _print_seed(result)


@seed_app.command("append")
def seed_append(
    days: Annotated[int, typer.Option(min=1, max=3650, help="How many new days to add.")],
    seed: Annotated[int, typer.Option(min=0, help="Random seed of the new days.")] = 43,
) -> None:
    """Extend the seeded history by N days after the last calendar day."""
    settings = _settings()
    _guard_production(settings)
    engine = app_engine(_bring_up(settings))
    try:
        with _seed_progress(settings) as progress:
            result = seeder.append(engine, days=days, seed=seed, progress=progress)
    except seeder.SeederError as exc:
        err.print(f"[red]{exc}[/red]")
        raise typer.Exit(2) from exc
    _print_seed(result)


@app.command("load")
def load(
    path: Annotated[
        Path,
        typer.Argument(exists=True, file_okay=False, help="Folder of docs/data-format.md."),
    ],
) -> None:
    """Load a retailer's history (CSV/Parquet folder) into raw.*, validated and idempotent."""
    settings = _settings()
    engine = app_engine(_bring_up(settings))
    try:
        with _seed_progress(settings) as progress:
            report = load_folder(
                engine, path, history_start=settings.history_start, progress=progress
            )
    except LoadValidationError as exc:
        _print_issues(exc)
        raise typer.Exit(2) from exc
    _print_load(report)


_SHOWN_ISSUES = 50


def _print_issues(exc: LoadValidationError) -> None:
    table = Table(title=f"{exc.total:,} issue(s); nothing was loaded")
    for column in ("file", "line", "column", "reason"):
        table.add_column(column, justify="right" if column == "line" else "left")
    for issue in exc.issues[:_SHOWN_ISSUES]:
        line = "" if issue.line is None else str(issue.line)
        table.add_row(issue.file, line, issue.column or "", issue.reason)
    console.print(table)
    if exc.total > _SHOWN_ISSUES:
        console.print(f"... and {exc.total - _SHOWN_ISSUES:,} more.")


def _print_load(report: LoadReport) -> None:
    table = Table(
        title=f"Loaded {report.first_date} .. {report.last_date} in {report.duration_seconds:.1f} s"
    )
    for column in ("file", "table", "read", "inserted", "updated", "unchanged", "deleted"):
        table.add_column(column, justify="left" if column in ("file", "table") else "right")
    for f in report.files:
        counts = (f.rows_read, f.inserted, f.updated, f.unchanged, f.deleted)
        table.add_row(f.file, f.table, *(f"{n:,}" for n in counts))
    console.print(table)


def _parse_date(flag: str, value: str | None) -> date | None:
    if value is None:
        return None
    try:
        return date.fromisoformat(value)
    except ValueError as exc:
        err.print(f"[red]{flag} must be a date like 2025-01-31, got {value!r}[/red]")
        raise typer.Exit(2) from exc


def _print_counts(endpoints: Endpoints, schemas: tuple[str, ...]) -> None:
    engine = app_engine(endpoints)
    table = Table(title="Warehouse tables")
    table.add_column("table")
    table.add_column("rows", justify="right")
    for schema in schemas:
        for count in table_counts(engine, schema):
            table.add_row(count.name, "-" if count.rows is None else f"{count.rows:,}")
    console.print(table)


def _fmt(value: float | None) -> str:
    return "n/a" if value is None or value != value else f"{value:.2f}"  # None or NaN


def _print_models(endpoints: Endpoints) -> None:
    board = leaderboard(app_engine(endpoints))
    table = Table(title="Leaderboard (pooled over every backtest fold)")
    for column in ("model", "series", "wape", "mae", "rmse", "bias"):
        table.add_column(column, justify="left" if column == "model" else "right")
    for row in board.itertuples(index=False):
        table.add_row(
            row.model,
            str(row.series),
            *(f"{getattr(row, c):.2f}" for c in ("wape", "mae", "rmse", "bias")),
        )
    console.print(table)
    evidence = holdout_evidence(app_engine(endpoints))
    try:
        production = registry.get_alias(registry.PRODUCTION_ALIAS)
    except registry.AliasNotFoundError:
        production = None
    policies = policy_comparison(app_engine(endpoints))
    console.print(
        "Selection policies on the held-out fold (WAPE): "
        + ", ".join(
            f"{row.policy} {_fmt(row.holdout_wape)}{' (chosen)' if row.chosen else ''}"
            for row in policies.itertuples(index=False)
        )
    )
    verdict = (
        "promoted to production"
        if evidence.passed
        else "NOT promoted: " + "; ".join(evidence.failures())
    )
    console.print(
        f"Portfolio ({evidence.policy}) on the held-out fold: WAPE {_fmt(evidence.portfolio_wape)}"
        f" (bias {_fmt(evidence.portfolio_bias)}%) vs seasonal naive "
        f"{_fmt(evidence.seasonal_naive_wape)} and best moving average "
        f"{evidence.best_simple_model} {_fmt(evidence.best_simple_wape)} over {evidence.series} "
        f"series: {verdict}."
    )
    if production is not None:
        console.print(
            f"Production model: {registry.REGISTERED_MODEL} version {production.version} "
            f"(MLflow run {production.run_id})."
        )


def _urls(settings: Settings) -> dict[str, str]:
    return {
        "Dagster UI": f"http://127.0.0.1:{settings.dagster_port}",
        "MLflow UI": f"http://127.0.0.1:{settings.mlflow_port}",
        "API docs": f"http://{settings.api_host}:{settings.api_port}/docs",
    }


@app.command("demo")
def demo(
    preset: Annotated[str, typer.Option(help="Forge preset to seed.")] = "retail_standard",
    seed: Annotated[int, typer.Option(min=0, help="Random seed.")] = 42,
) -> None:
    """Bring the database up, migrate, and materialize the pipeline (seed -> dbt) in Dagster."""
    settings = _settings()
    if preset not in seeder.PRESETS:
        err.print(
            f"[red]Unknown preset {preset!r}; choose one of: {', '.join(seeder.PRESETS)}[/red]"
        )
        raise typer.Exit(2)
    started = time.monotonic()
    endpoints = _bring_up(settings)
    console.print(f"Migrated to revision {upgrade(endpoints)}.")
    prepare_dagster_home(settings)
    env = {**os.environ, **service_env(settings, endpoints)}
    # The pipeline runs in Dagster (so the UI shows every materialization); `forecastlab`
    # itself never imports dagster, hence a child process.
    command = [sys.executable, "-m", "orchestration.demo", "--preset", preset, "--seed", str(seed)]
    if subprocess.run(command, env=env, cwd=PROJECT_ROOT, check=False).returncode != 0:
        err.print("[red]The demo pipeline failed; see the Dagster output above.[/red]")
        raise typer.Exit(1)
    _print_counts(endpoints, ("raw", "staging", "marts"))
    first, last = date_range(app_engine(endpoints), "marts.fct_sales_features")
    console.print(f"Feature mart marts.fct_sales_features covers {first} .. {last}.")
    _print_models(endpoints)
    console.print(
        f"Demo finished in {time.monotonic() - started:.0f} s. Run `make serve`, then open:"
    )
    for name, url in _urls(settings).items():
        console.print(f"  {name:<11} {url}")


@app.command("serve")
def serve() -> None:
    """Run the Dagster webserver + daemon, the MLflow UI and the API until Ctrl-C."""
    settings = _settings()
    endpoints = _bring_up(settings)
    upgrade(endpoints)
    prepare_dagster_home(settings)
    env = {**os.environ, **service_env(settings, endpoints)}
    bin_dir = os.path.dirname(sys.executable)
    settings.mlflow_artifact_root.mkdir(parents=True, exist_ok=True)
    commands = {
        "dagster-webserver": [
            f"{bin_dir}/dagster-webserver", "-h", "127.0.0.1", "-p", str(settings.dagster_port),
            "-w", str(PROJECT_ROOT / "workspace.yaml"),
        ],
        "dagster-daemon": [
            f"{bin_dir}/dagster-daemon", "run", "-w", str(PROJECT_ROOT / "workspace.yaml"),
        ],
        "mlflow": [
            f"{bin_dir}/mlflow", "server",
            "--host", "127.0.0.1", "--port", str(settings.mlflow_port), "--workers", "1",
            "--backend-store-uri", endpoints.mlflow_uri,
            "--artifacts-destination", str(settings.mlflow_artifact_root),
        ],
        "api": [
            f"{bin_dir}/uvicorn", "serving.main:app",
            "--host", settings.api_host, "--port", str(settings.api_port),
        ],
    }  # fmt: skip
    # SIGTERM (systemd, `timeout`, a CI runner) must stop the children too, like Ctrl-C does.
    signal.signal(signal.SIGTERM, signal.default_int_handler)
    processes = {
        name: subprocess.Popen(cmd, env=env, cwd=PROJECT_ROOT) for name, cmd in commands.items()
    }
    for name, url in _urls(settings).items():
        console.print(f"  {name:<11} {url}")
    try:
        while all(p.poll() is None for p in processes.values()):
            time.sleep(1)
        failed = [n for n, p in processes.items() if p.poll() is not None]
        err.print(f"[red]{', '.join(failed)} stopped; shutting the others down.[/red]")
    except KeyboardInterrupt:
        console.print("Stopping ...")
    finally:
        for proc in processes.values():
            if proc.poll() is None:
                proc.send_signal(signal.SIGTERM)
        for proc in processes.values():
            try:
                proc.wait(timeout=20)
            except subprocess.TimeoutExpired:
                proc.kill()


if __name__ == "__main__":
    app()
