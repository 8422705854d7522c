"""Embedding providers (spec §12.2): the offline model, and the OpenAI / Ollama clients against
local stand-ins — failures are EmbeddingErrors that never quote the key."""

from __future__ import annotations

import numpy as np
import pytest

from forecastlab.rag.embeddings import embedder_for
from forecastlab.rag.embeddings.offline import OfflineEmbedder
from forecastlab.rag.errors import DimensionMismatchError, EmbeddingAuthError, EmbeddingError
from forecastlab.settings import Settings
from tests.forecastlab.rag.http_stub import closed_port_url, http_stub

SECRET = "sk-test-0123456789abcdef-SECRET"


def _openai(url: str, **overrides: object) -> Settings:
    values: dict[str, object] = {
        "rag_embedding_provider": "openai",
        "rag_embedding_model": "text-embedding-3-small",
        "openai_base_url": f"{url}/v1",
        "openai_api_key": SECRET,
        "rag_embedding_dimension": 3,
    }
    return Settings(**{**values, **overrides})  # type: ignore[arg-type]


def test_offline_vectors_are_unit_length_and_semantic() -> None:
    vectors = OfflineEmbedder(batch_size=2).embed(
        [
            "How do I backfill the daily feature partitions?",
            "Runbook: re-run the feature mart for a range of past days",
            "The cat sat on the mat.",
        ]
    )
    assert vectors.shape == (3, 384) and vectors.dtype == np.float32
    np.testing.assert_allclose(np.linalg.norm(vectors, axis=1), 1.0, atol=1e-5)
    question, answer, unrelated = vectors
    assert question @ answer > question @ unrelated + 0.3


def test_offline_batches_keep_the_input_order() -> None:
    texts = ["short", "a much longer text about demand forecasting " * 20, "mid-sized text here"]
    together = OfflineEmbedder(batch_size=2).embed(texts)
    alone = np.vstack([OfflineEmbedder().embed([t]) for t in texts])
    # int8 activations are quantized per batch, so padding moves values a little, never far.
    assert np.all(np.sum(together * alone, axis=1) > 0.99)


def test_offline_pools_a_long_text_over_all_its_windows() -> None:
    # 260 WordPiece tokens of filler fill the first 256-token window: truncating there (what
    # sentence-transformers does) would drop the topic that follows.
    filler = "The cat sat on the mat and looked at the birds outside. " * 20
    topic = "Backfill the daily feature partitions of the sales mart for past days. " * 6
    embedder = OfflineEmbedder()
    whole, head, query = embedder.embed([filler + topic, filler, "backfill feature partitions"])
    assert query @ whole > query @ head + 0.1


def test_offline_needs_its_384_dimensions() -> None:
    with pytest.raises(DimensionMismatchError, match="384"):
        embedder_for(Settings(rag_embedding_provider="offline", rag_embedding_dimension=512))


def test_openai_vectors_come_back_in_input_order() -> None:
    answer = {
        "object": "list",
        "model": "text-embedding-3-small",
        "data": [
            {"object": "embedding", "index": 1, "embedding": [0.0, 1.0, 0.0]},
            {"object": "embedding", "index": 0, "embedding": [1.0, 0.0, 0.0]},
        ],
        "usage": {"prompt_tokens": 2, "total_tokens": 2},
    }
    with http_stub({"/v1/embeddings": (200, answer)}) as stub:
        vectors = embedder_for(_openai(stub.url)).embed(["first", "second"])
    np.testing.assert_array_equal(vectors, [[1, 0, 0], [0, 1, 0]])
    _, path, headers, body = stub.requests[0]
    assert path == "/v1/embeddings"
    assert body["model"] == "text-embedding-3-small" and body["dimensions"] == 3
    assert body["input"] == ["first", "second"]
    assert headers["authorization"] == f"Bearer {SECRET}"


def test_openai_rejected_credentials_are_an_auth_error_without_the_key() -> None:
    rejection = {"error": {"message": f"Incorrect API key provided: {SECRET}"}}
    with (
        http_stub({"/v1/embeddings": (401, rejection)}) as stub,
        pytest.raises(EmbeddingAuthError) as caught,
    ):
        embedder_for(_openai(stub.url)).embed(["hello"])
    assert caught.value.code == "EMBEDDING_AUTH"
    assert SECRET not in str(caught.value) and "401" in str(caught.value)
    assert len(stub.requests) == 1  # no retry on 401


def test_openai_without_a_key_never_calls_out() -> None:
    with http_stub({}) as stub, pytest.raises(EmbeddingAuthError, match="OPENAI_API_KEY"):
        embedder_for(_openai(stub.url, openai_api_key="")).embed(["hello"])
    assert stub.requests == []


def test_an_unreachable_provider_is_an_embedding_error() -> None:
    url = closed_port_url()
    with pytest.raises(EmbeddingError) as caught:
        embedder_for(_openai(url)).embed(["hello"])
    assert caught.value.code == "BAD_GATEWAY"
    assert url in str(caught.value) and SECRET not in str(caught.value)


def test_wrong_dimensions_or_counts_are_embedding_errors() -> None:
    wrong = {"data": [{"index": 0, "embedding": [1.0, 0.0]}], "model": "m", "object": "list"}
    with http_stub({"/v1/embeddings": (200, wrong)}) as stub:
        with pytest.raises(EmbeddingError, match="2 dimensions"):
            embedder_for(_openai(stub.url)).embed(["one"])
        with pytest.raises(EmbeddingError, match="1 vectors for 2 inputs"):
            embedder_for(_openai(stub.url)).embed(["one", "two"])


def test_ollama_missing_model_says_to_pull_it() -> None:
    with http_stub({"/v1/embeddings": (404, {"error": "model not found"})}) as stub:
        settings = Settings(
            rag_embedding_provider="ollama",
            ollama_base_url=f"{stub.url}/",
            ollama_embedding_model="nomic-embed-text",
            rag_embedding_dimension=3,
        )
        with pytest.raises(EmbeddingError, match="ollama pull nomic-embed-text"):
            embedder_for(settings).embed(["hello"])
    assert len(stub.requests) == 1  # a 404 is not retried
