"""A plain-data picture of the asset graph (keys, deps, groups, checks, jobs, schedules)."""

from __future__ import annotations

from typing import Any

import dagster as dg


def graph_snapshot(defs: dg.Definitions) -> dict[str, Any]:
    """Everything a reviewer should see change when the graph changes, sorted for stable diffs."""
    graph = defs.resolve_asset_graph()
    assets = {}
    for key in sorted(graph.get_all_asset_keys(), key=lambda k: k.to_user_string()):
        node = graph.get(key)
        assets[key.to_user_string()] = {
            "deps": sorted(p.to_user_string() for p in node.parent_keys),
            "group": node.group_name,
            "partitioned": node.partitions_def is not None,
            "materializable": node.is_materializable,
        }
    checks = sorted(
        f"{check.asset_key.to_user_string()}:{check.name}" for check in graph.asset_check_keys
    )
    jobs = {}
    for job in sorted(defs.resolve_all_job_defs(), key=lambda j: j.name):
        if job.name.startswith("__"):
            continue
        jobs[job.name] = {
            "assets": sorted(k.to_user_string() for k in job.asset_layer.selected_asset_keys),
            "partitioned": job.partitions_def is not None,
        }
    schedules = {}
    for name in sorted(s.name for s in defs.schedules or []):
        schedule = defs.resolve_schedule_def(name)
        schedules[name] = {
            "cron": schedule.cron_schedule,
            "job": schedule.job_name,
            "timezone": schedule.execution_timezone,
        }
    sensors = sorted(s.name for s in defs.sensors or [])
    return {
        "assets": assets,
        "asset_checks": checks,
        "jobs": jobs,
        "schedules": schedules,
        "sensors": sensors,
    }
