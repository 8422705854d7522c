"""The knowledge asset materialized in process: it indexes a docs tree, re-embeds nothing when
nothing changed, and follows edits and deletions."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path
from typing import Any

import dagster as dg
import pytest

from forecastlab.db.endpoints import Endpoints
from forecastlab.db.engine import engine_for
from forecastlab.rag import store
from orchestration.defs.knowledge.assets import ProjectDocsConfig, project_docs_index
from orchestration.defs.resources import WarehouseResource

KEY = dg.AssetKey(["knowledge", "project_docs_index"])


def _materialize(root: Path, instance: dg.DagsterInstance) -> dict[str, Any]:
    result = dg.materialize(
        [project_docs_index],
        resources={"warehouse": WarehouseResource()},
        run_config=dg.RunConfig(
            ops={"knowledge__project_docs_index": ProjectDocsConfig(project_root=str(root))}
        ),
        instance=instance,
    )
    assert result.success
    metadata = result.asset_materializations_for_node("knowledge__project_docs_index")[0].metadata
    return {key: getattr(value, "value", value) for key, value in metadata.items()}


def test_only_changed_docs_are_embedded_and_gone_ones_removed(
    fresh_database: Callable[[str], Endpoints], tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    endpoints = fresh_database("knowledge")
    monkeypatch.setenv("DATABASE_URL", endpoints.app_libpq)
    monkeypatch.setenv("RAG_EMBEDDING_PROVIDER", "offline")
    monkeypatch.setenv("RAG_EMBEDDING_DIMENSION", "384")
    docs = tmp_path / "docs" / "runbooks"
    docs.mkdir(parents=True)
    (docs / "restore.md").write_text("# Restore\n\nRestore the database from the nightly dump.")
    (docs / "rotate.md").write_text("# Rotate\n\nRotate the API keys every quarter.")
    (tmp_path / "README.md").write_text("# Project\n\nA small project.")
    instance = dg.DagsterInstance.ephemeral()

    first = _materialize(tmp_path, instance)
    assert (first["files_indexed"], first["files_unchanged"], first["files_removed"]) == (3, 0, 0)
    assert first["chunks_embedded"] == first["chunks_total"] == 3
    assert (
        first["embedding_provider"] == "offline" and "| docs/runbooks/rotate.md |" in first["files"]
    )

    again = _materialize(tmp_path, instance)
    assert (again["files_unchanged"], again["chunks_embedded"], again["chunks_total"]) == (3, 0, 3)

    (docs / "rotate.md").unlink()
    (docs / "restore.md").write_text("# Restore\n\nRestore from the nightly dump, then migrate.")
    edited = _materialize(tmp_path, instance)
    assert (edited["files_updated"], edited["files_unchanged"], edited["files_removed"]) == (
        1,
        1,
        1,
    )
    assert edited["chunks_embedded"] == 1 and edited["chunks_total"] == 2
    engine = engine_for(endpoints.app_sqlalchemy)
    assert {s.source_path for s in store.list_sources(engine)} == {
        "README.md",
        "docs/runbooks/restore.md",
    }
    event = instance.get_latest_materialization_event(KEY)
    assert event is not None and event.asset_materialization.metadata["files_removed"].value == 1
