"""Retrieval over this project's own docs with the offline embedder (spec §12.4-12.5): each
question ranks the document that answers it first; thresholds, top-k and filters hold."""

from __future__ import annotations

from collections.abc import Callable

import pytest
from sqlalchemy import Engine, text

from forecastlab.db.endpoints import Endpoints
from forecastlab.db.engine import engine_for
from forecastlab.rag import store
from forecastlab.rag.project_docs import DocsScope, ProjectDocsResult, discover, index_project_docs
from forecastlab.rag.retrieval import RetrievalFilters, retrieve, search
from forecastlab.settings import Settings

SETTINGS = Settings(rag_embedding_provider="offline", rag_embedding_dimension=384)


@pytest.fixture(scope="module")
def indexed(fresh_database: Callable[[str], Endpoints]) -> tuple[Engine, ProjectDocsResult]:
    """A knowledge base holding the project's docs, indexed once for the module."""
    engine = engine_for(fresh_database("rag_docs").app_sqlalchemy)
    return engine, index_project_docs(engine, SETTINGS)


def _chunk_ids(engine: Engine) -> set[str]:
    with engine.connect() as conn:
        return set(conn.scalars(text("select chunk_id from rag.document_chunk")))


def test_every_project_document_is_indexed(indexed: tuple[Engine, ProjectDocsResult]) -> None:
    engine, result = indexed
    discovered = discover(DocsScope())
    assert [r.source_path for r in result.results] == [d.path for d in discovered]
    assert result.indexed == result.total_files == len(discovered) and result.failed == 0
    assert result.total_chunks == store.chunk_count(engine) > result.total_files
    categories = {s.source_path: s.metadata for s in store.list_sources(engine)}
    assert categories["README.md"] == {"category": "root"}
    assert categories["docs/runbooks/backfill.md"] == {"category": "docs"}


def test_unchanged_docs_are_not_embedded_again(indexed: tuple[Engine, ProjectDocsResult]) -> None:
    engine, first = indexed
    before = _chunk_ids(engine)
    again = index_project_docs(engine, SETTINGS)
    assert again.unchanged == again.total_files == first.total_files
    assert again.total_chunks == first.total_chunks
    assert _chunk_ids(engine) == before  # same rows: nothing was re-embedded or rewritten


@pytest.mark.parametrize(
    ("question", "document"),
    [
        ("How do I cancel a job that is still running?", "docs/api/jobs.md"),
        (
            "How do I backfill the daily feature partitions for a range of past days?",
            "docs/runbooks/backfill.md",
        ),
        (
            "Which files and columns does a retailer export folder need to load my own data?",
            "docs/data-format.md",
        ),
        ("How do I point a registry alias at a model run?", "docs/api/registry.md"),
        (
            "How do I move the production alias back to an earlier portfolio run?",
            "docs/runbooks/models.md",
        ),
    ],
)
def test_the_answering_document_ranks_first(
    indexed: tuple[Engine, ProjectDocsResult], question: str, document: str
) -> None:
    engine, _ = indexed
    results = retrieve(engine, SETTINGS, question, top_k=3, threshold=0.0)
    assert results[0].source_path == document, [(r.source_path, r.similarity) for r in results]


def test_top_k_threshold_and_scores(indexed: tuple[Engine, ProjectDocsResult]) -> None:
    engine, result = indexed
    found = search(engine, SETTINGS, "How do I cancel a job?", top_k=4, threshold=0.0)
    scores = [r.similarity for r in found.results]
    assert len(scores) == 4 and scores == sorted(scores, reverse=True)
    assert all(0.0 < s <= 1.0 and round(s, 4) == s for s in scores)
    assert found.total_chunks_searched == result.total_chunks
    assert found.results[0].heading and found.results[0].metadata["section_path"]  # type: ignore[index]
    floor = (scores[1] + scores[2]) / 2  # between the second and the third result
    above = retrieve(engine, SETTINGS, "How do I cancel a job?", top_k=4, threshold=floor)
    assert [r.similarity for r in above] == scores[:2]
    assert retrieve(engine, SETTINGS, "How do I cancel a job?", threshold=0.99) == []


def test_filters_restrict_the_sources(indexed: tuple[Engine, ProjectDocsResult]) -> None:
    engine, _ = indexed
    root_only = search(
        engine, SETTINGS, "quick start", 5, 0.0, RetrievalFilters(category="root")
    ).results
    assert root_only and {r.source_path for r in root_only} == {"README.md"}
    openapi = search(
        engine, SETTINGS, "quick start", 5, 0.0, RetrievalFilters(source_types=["openapi"])
    )
    assert openapi.results == []


def test_an_empty_knowledge_base_answers_nothing(
    fresh_database: Callable[[str], Endpoints],
) -> None:
    engine = engine_for(fresh_database("rag_empty").app_sqlalchemy)
    found = search(engine, SETTINGS, "anything", threshold=0.0)
    assert found.results == [] and found.total_chunks_searched == 0
