"""Indexing (spec §12.3-12.4, §12.6): idempotency by content hash, updates, cascade deletes,
reads confined to the project root (D-30), `path_prefix`, pruning, and the dimension guard
(D-33)."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

import pytest
from sqlalchemy import Engine, text

from forecastlab.db.endpoints import Endpoints
from forecastlab.db.engine import engine_for
from forecastlab.rag import store
from forecastlab.rag.errors import (
    DimensionMismatchError,
    DocumentNotFoundError,
    EmbeddingError,
    PathPrefixError,
    SourceNotFoundError,
)
from forecastlab.rag.indexing import content_hash, index_document, read_document
from forecastlab.rag.project_docs import DocsScope, discover, index_project_docs
from forecastlab.rag.retrieval import retrieve
from forecastlab.settings import PROJECT_ROOT, Settings
from tests.forecastlab.rag.http_stub import closed_port_url

SETTINGS = Settings(
    rag_embedding_provider="offline",
    rag_embedding_dimension=384,
    rag_chunk_size=64,
    rag_chunk_overlap=8,
    rag_min_chunk_size=8,
)
NOTE = "# Returns\n\nReturned units are recorded separately.\n\n## Policy\n\nNever net them off."


@pytest.fixture(scope="module")
def engine(fresh_database: Callable[[str], Endpoints]) -> Engine:
    """A knowledge base of its own; each test uses its own source paths."""
    return engine_for(fresh_database("rag_index").app_sqlalchemy)


def _chunks(engine: Engine, source_id: str) -> list[tuple[str, int]]:
    with engine.connect() as conn:
        rows = conn.execute(
            text(
                "select c.chunk_id, c.chunk_index from rag.document_chunk c "
                "join rag.document_source s on s.id = c.source_id "
                "where s.source_id = :id order by c.chunk_index"
            ),
            {"id": source_id},
        )
        return [(r.chunk_id, r.chunk_index) for r in rows]


def test_same_content_is_unchanged_new_content_updates(engine: Engine) -> None:
    first = index_document(engine, SETTINGS, "markdown", "notes/returns.md", NOTE, {"k": 1})
    assert first.status == "indexed" and first.chunks_created >= 1 and first.tokens_processed > 0
    stored = _chunks(engine, first.source_id)

    again = index_document(engine, SETTINGS, "markdown", "notes/returns.md", NOTE)
    assert (again.status, again.source_id, again.tokens_processed) == (
        "unchanged",
        first.source_id,
        0,
    )
    assert again.chunks_created == first.chunks_created
    assert _chunks(engine, first.source_id) == stored

    changed = NOTE + "\n\n## Audit\n\nReturns are audited monthly by the finance team."
    updated = index_document(engine, SETTINGS, "markdown", "notes/returns.md", changed)
    assert updated.status == "updated" and updated.source_id == first.source_id
    rows = _chunks(engine, first.source_id)
    assert [index for _, index in rows] == list(range(updated.chunks_created))
    assert not {chunk_id for chunk_id, _ in rows} & {chunk_id for chunk_id, _ in stored}
    source = next(s for s in store.list_sources(engine) if s.source_id == first.source_id)
    assert source.content_hash == content_hash(changed) and source.metadata is None


def test_the_same_path_as_another_type_is_another_source(engine: Engine) -> None:
    markdown = index_document(engine, SETTINGS, "markdown", "notes/both.md", NOTE)
    openapi = index_document(engine, SETTINGS, "openapi", "notes/both.md", NOTE)
    assert markdown.source_id != openapi.source_id and openapi.status == "indexed"


def test_deleting_a_source_cascades_to_its_chunks(engine: Engine) -> None:
    result = index_document(engine, SETTINGS, "markdown", "notes/doomed.md", NOTE)
    assert store.delete_source(engine, result.source_id) == result.chunks_created
    assert _chunks(engine, result.source_id) == []
    with pytest.raises(SourceNotFoundError):
        store.delete_source(engine, result.source_id)


def test_a_provider_failure_keeps_the_previous_version(engine: Engine) -> None:
    first = index_document(engine, SETTINGS, "markdown", "notes/kept.md", NOTE)
    down = SETTINGS.model_copy(
        update={
            "rag_embedding_provider": "openai",
            "openai_base_url": closed_port_url(),
            "openai_api_key": "sk-test",
        }
    )
    with pytest.raises(EmbeddingError):
        index_document(engine, down, "markdown", "notes/kept.md", NOTE + "\n\nMore.")
    source = next(s for s in store.list_sources(engine) if s.source_id == first.source_id)
    assert source.content_hash == content_hash(NOTE)
    assert len(_chunks(engine, first.source_id)) == first.chunks_created


def test_a_dimension_other_than_the_column_is_409_before_any_call(engine: Engine) -> None:
    other = SETTINGS.model_copy(
        update={
            "rag_embedding_provider": "openai",
            "rag_embedding_dimension": 1536,
            "openai_base_url": closed_port_url(),  # would fail if it were called
            "openai_api_key": "sk-test",
        }
    )
    with pytest.raises(DimensionMismatchError, match="re-run migrations for dimension 1536"):
        index_document(engine, other, "markdown", "notes/wide.md", NOTE)
    with pytest.raises(DimensionMismatchError, match="384-dimensional"):
        retrieve(engine, other, "returns")


@pytest.mark.parametrize(
    "path", ["../secrets.md", "/etc/passwd", "docs/../../outside.md", "docs/missing.md", "docs"]
)
def test_reads_stay_inside_the_project_root(path: str) -> None:
    with pytest.raises(DocumentNotFoundError) as caught:
        read_document(path)
    assert str(PROJECT_ROOT) not in str(caught.value)


def test_a_symlink_out_of_the_root_is_not_followed(tmp_path: Path) -> None:
    root, outside = tmp_path / "project", tmp_path / "outside.md"
    root.mkdir()
    outside.write_text("# secret")
    (root / "link.md").symlink_to(outside)
    with pytest.raises(DocumentNotFoundError):
        read_document("link.md", root)


def test_without_content_the_file_is_read(engine: Engine) -> None:
    result = index_document(engine, SETTINGS, "markdown", "docs/runbooks/backfill.md")
    assert result.status == "indexed" and result.chunks_created > 1
    with pytest.raises(DocumentNotFoundError):
        index_document(engine, SETTINGS, "markdown", "../outside.md")


@pytest.mark.parametrize("prefix", ["..", "docs/../forecastlab", "/etc", "forecastlab"])
def test_a_path_prefix_outside_docs_is_refused(prefix: str) -> None:
    with pytest.raises(PathPrefixError):
        discover(DocsScope(path_prefix=prefix))


def test_a_path_prefix_narrows_the_docs_scan() -> None:
    found = discover(DocsScope(include_root=False, path_prefix="docs/runbooks"))
    assert found and all(d.path.startswith("docs/runbooks/") for d in found)
    assert {d.category for d in found} == {"docs"}
    assert discover(DocsScope(include_root=False, path_prefix="docs/nothing-here")) == []


def test_unreadable_files_fail_alone_and_pruning_removes_gone_files(
    engine: Engine, tmp_path: Path
) -> None:
    docs = tmp_path / "docs"
    docs.mkdir()
    (docs / "a.md").write_text("# A\n\nAlpha document about stores.")
    (docs / "b.md").write_text("# B\n\nBeta document about products.")
    (docs / "broken.md").write_bytes(b"# Broken\n\n\xff\xfe not utf-8")
    (tmp_path / "README.md").write_text("# Readme\n\nThe project.")
    index_document(engine, SETTINGS, "markdown", "notes/inline.md", NOTE)

    first = index_project_docs(engine, SETTINGS, root=tmp_path)
    assert [(r.source_path, r.status) for r in first.results] == [
        ("README.md", "indexed"),
        ("docs/a.md", "indexed"),
        ("docs/b.md", "indexed"),
        ("docs/broken.md", "failed"),
    ]
    assert first.failed == 1 and "docs/broken.md" in (first.results[3].error or "")

    (docs / "b.md").unlink()
    (docs / "a.md").write_text("# A\n\nAlpha document about stores, revised.")
    second = index_project_docs(engine, SETTINGS, root=tmp_path, prune=True)
    assert (second.indexed, second.updated, second.unchanged) == (0, 1, 1)
    assert second.removed == ["docs/b.md"]
    paths = {s.source_path for s in store.list_sources(engine)}
    assert "docs/b.md" not in paths and {"docs/a.md", "README.md"} <= paths
    # A source indexed with inline content is not a project document: never pruned.
    assert "notes/inline.md" in paths
