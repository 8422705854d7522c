"""/rag routes (spec §12, §15.7): index, project docs, retrieve, sources, delete — and their
404 / 409 / 422 / 502 problems. The app runs on a knowledge base of its own."""

from __future__ import annotations

import logging
from collections.abc import Callable, Iterator

import pytest
from fastapi.testclient import TestClient

from forecastlab.db.endpoints import Endpoints
from serving.main import create_app
from tests.forecastlab.rag.http_stub import closed_port_url, http_stub
from tests.serving.conftest import assert_problem, settings_for

SECRET = "sk-test-0123456789abcdef-SECRET"
NOTE = {
    "source_type": "markdown",
    "source_path": "notes/returns.md",
    "content": "# Returns\n\nReturned units are recorded separately and never netted off sales.",
    "metadata": {"category": "notes"},
}
BACKFILL = "How do I backfill the daily feature partitions for a range of past days?"


@pytest.fixture(scope="module")
def kb(fresh_database: Callable[[str], Endpoints]) -> Endpoints:
    """The database of this module's knowledge base."""
    return fresh_database("rag_api")


@pytest.fixture(scope="module")
def api_on(endpoints: Endpoints) -> Iterator[Callable[..., TestClient]]:
    """Factory: the API over a database, with settings overrides (offline embedder default)."""
    opened: list[TestClient] = []

    def make(app_db: Endpoints, **overrides: object) -> TestClient:
        client = TestClient(create_app(settings_for(app_db, endpoints, **overrides)))
        opened.append(client.__enter__())
        return client

    yield make
    for client in opened:
        client.__exit__(None, None, None)


@pytest.fixture(scope="module")
def api(kb: Endpoints, api_on: Callable[..., TestClient]) -> TestClient:
    return api_on(kb, rag_embedding_provider="offline", rag_embedding_dimension=384)


def test_index_is_idempotent_and_sources_list_it(api: TestClient) -> None:
    created = api.post("/rag/index", json=NOTE)
    assert created.status_code == 201, created.text
    body = created.json()
    assert body["status"] == "indexed" and body["chunks_created"] == 1
    assert body["tokens_processed"] > 0 and len(body["source_id"]) == 32

    again = api.post("/rag/index", json=NOTE).json()
    assert (again["status"], again["tokens_processed"], again["source_id"]) == (
        "unchanged",
        0,
        body["source_id"],
    )

    listed = api.get("/rag/sources").json()
    source = next(s for s in listed["sources"] if s["source_id"] == body["source_id"])
    assert source["chunk_count"] == 1 and source["metadata"] == {"category": "notes"}
    assert len(source["content_hash"]) == 64 and source["indexed_at"].endswith("+00:00")
    assert listed["total_sources"] == len(listed["sources"])
    assert listed["total_chunks"] == sum(s["chunk_count"] for s in listed["sources"])


def test_delete_cascades_and_then_is_404(api: TestClient) -> None:
    source_id = api.post("/rag/index", json={**NOTE, "source_path": "notes/doomed.md"}).json()[
        "source_id"
    ]
    deleted = api.delete(f"/rag/sources/{source_id}")
    assert deleted.status_code == 200
    assert deleted.json() == {"source_id": source_id, "chunks_deleted": 1, "status": "deleted"}
    assert source_id not in {s["source_id"] for s in api.get("/rag/sources").json()["sources"]}
    assert_problem(api.delete(f"/rag/sources/{source_id}"), 404, "NOT_FOUND")


def test_index_reads_project_files_only(api: TestClient) -> None:
    indexed = api.post(
        "/rag/index", json={"source_type": "markdown", "source_path": "docs/runbooks/backfill.md"}
    )
    assert indexed.status_code == 201 and indexed.json()["chunks_created"] > 1
    for path in ("../../etc/passwd", "/etc/passwd", "docs/no-such-file.md"):
        problem = assert_problem(
            api.post("/rag/index", json={"source_type": "markdown", "source_path": path}),
            404,
            "NOT_FOUND",
        )
        assert "/work" not in problem["detail"]


@pytest.mark.parametrize(
    "body",
    [
        {**NOTE, "extra": 1},
        {**NOTE, "source_type": "pdf"},
        {**NOTE, "source_path": ""},
        {**NOTE, "metadata": {"note": "nul\x00"}},
    ],
)
def test_index_bodies_are_validated(api: TestClient, body: dict[str, object]) -> None:
    assert_problem(api.post("/rag/index", json=body), 422, "VALIDATION_ERROR")


def test_project_docs_index_then_skip_unchanged(api: TestClient) -> None:
    scope = {"include_root": False, "include_prps": False, "path_prefix": "docs/runbooks"}
    first = api.post("/rag/index/project-docs", json=scope)
    assert first.status_code == 200, first.text
    body = first.json()
    paths = [r["source_path"] for r in body["results"]]
    assert paths == sorted(paths) and "docs/runbooks/models.md" in paths
    assert all(p.startswith("docs/runbooks/") for p in paths)
    assert body["total_files"] == len(paths) and body["failed"] == 0
    # backfill.md was indexed by another test under the same path, without a category.
    assert body["indexed"] + body["updated"] + body["unchanged"] == len(paths)

    again = api.post("/rag/index/project-docs", json=scope).json()
    assert again["unchanged"] == len(paths) and again["total_chunks"] == body["total_chunks"]


@pytest.mark.parametrize("prefix", ["../", "docs/../serving", "/etc"])
def test_an_escaping_path_prefix_is_422(api: TestClient, prefix: str) -> None:
    problem = assert_problem(
        api.post("/rag/index/project-docs", json={"path_prefix": prefix}),
        422,
        "UNPROCESSABLE_ENTITY",
    )
    assert problem["type"] == "/errors/unprocessable-entity"


def test_retrieve_finds_the_runbook(api: TestClient) -> None:
    api.post(
        "/rag/index/project-docs", json={"include_root": False, "path_prefix": "docs/runbooks"}
    )
    found = api.post(
        "/rag/retrieve", json={"query": BACKFILL, "top_k": 2, "similarity_threshold": 0.2}
    )
    assert found.status_code == 200, found.text
    body = found.json()
    assert 1 <= len(body["results"]) <= 2
    first = body["results"][0]
    assert first["source_path"] == "docs/runbooks/backfill.md"
    assert 0.2 <= first["relevance_score"] <= 1 and first["metadata"]["heading"]
    assert body["total_chunks_searched"] == api.get("/rag/sources").json()["total_chunks"]
    assert body["query_embedding_time_ms"] >= 0 and body["search_time_ms"] >= 0

    filtered = api.post(
        "/rag/retrieve",
        json={"query": BACKFILL, "similarity_threshold": 0.0, "filters": {"category": "notes"}},
    ).json()
    assert {r["source_path"] for r in filtered["results"]} <= {"notes/returns.md"}
    nothing = api.post("/rag/retrieve", json={"query": BACKFILL, "similarity_threshold": 0.99})
    assert nothing.status_code == 200 and nothing.json()["results"] == []


@pytest.mark.parametrize(
    "body",
    [{"query": ""}, {"query": "x", "top_k": 51}, {"query": "x", "similarity_threshold": 1.5}],
)
def test_retrieve_bodies_are_validated(api: TestClient, body: dict[str, object]) -> None:
    assert_problem(api.post("/rag/retrieve", json=body), 422, "VALIDATION_ERROR")


def test_an_empty_knowledge_base_retrieves_nothing(
    fresh_database: Callable[[str], Endpoints], api_on: Callable[..., TestClient]
) -> None:
    empty = api_on(fresh_database("rag_api_empty"))
    found = empty.post("/rag/retrieve", json={"query": BACKFILL})
    assert found.status_code == 200 and found.json()["results"] == []
    assert empty.get("/rag/sources").json() == {
        "sources": [],
        "total_sources": 0,
        "total_chunks": 0,
    }


def test_a_dimension_other_than_the_column_is_409(
    kb: Endpoints, api_on: Callable[..., TestClient]
) -> None:
    wide = api_on(
        kb,
        rag_embedding_provider="openai",
        rag_embedding_dimension=1536,
        openai_api_key=SECRET,
        openai_base_url=closed_port_url(),
    )
    for path, body in (("/rag/index", NOTE), ("/rag/retrieve", {"query": BACKFILL})):
        problem = assert_problem(wide.post(path, json=body), 409, "CONFLICT")
        assert "re-run migrations for dimension 1536" in problem["detail"]


def test_an_unreachable_provider_is_502(
    kb: Endpoints, api_on: Callable[..., TestClient], caplog: pytest.LogCaptureFixture
) -> None:
    down = api_on(
        kb,
        rag_embedding_provider="openai",
        openai_api_key=SECRET,
        openai_base_url=closed_port_url(),
    )
    changed = {**NOTE, "content": NOTE["content"] + " Changed."}  # not unchanged: must embed
    with caplog.at_level(logging.DEBUG):
        for path, body in (
            ("/rag/index", changed),
            ("/rag/retrieve", {"query": BACKFILL}),
            ("/rag/index/project-docs", {"path_prefix": "docs/api"}),
        ):
            problem = assert_problem(down.post(path, json=body), 502, "BAD_GATEWAY")
            assert problem["type"] == "/errors/bad-gateway" and SECRET not in problem["detail"]
    assert SECRET not in caplog.text


def test_rejected_credentials_are_502_embedding_auth(
    kb: Endpoints, api_on: Callable[..., TestClient], caplog: pytest.LogCaptureFixture
) -> None:
    rejection = {"error": {"message": f"Incorrect API key provided: {SECRET}"}}
    with http_stub({"/v1/embeddings": (401, rejection)}) as stub, caplog.at_level(logging.DEBUG):
        rejected = api_on(
            kb,
            rag_embedding_provider="openai",
            openai_api_key=SECRET,
            openai_base_url=f"{stub.url}/v1",
        )
        problem = assert_problem(
            rejected.post("/rag/retrieve", json={"query": BACKFILL}), 502, "EMBEDDING_AUTH"
        )
    assert problem["type"] == "/errors/embedding-auth"
    assert SECRET not in problem["detail"] and SECRET not in caplog.text
