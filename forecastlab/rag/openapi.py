"""The OpenAPI chunker (spec §12.1): an info chunk, then one chunk per operation.

A document that is neither a JSON nor a YAML object is chunked as markdown.
"""

from __future__ import annotations

import json
from collections.abc import Mapping
from typing import Any

import yaml

from forecastlab.rag.chunks import Chunk, ChunkingRules
from forecastlab.rag.markdown import chunk_markdown

REF_DEPTH = 3
MAX_SCHEMA_CHARS = 500


def chunk_openapi(content: str, rules: ChunkingRules) -> list[Chunk]:
    """The info chunk and the operation chunks of an OpenAPI document."""
    spec = _parse(content)
    if not isinstance(spec, dict):
        return chunk_markdown(content, rules)
    chunks = [_info_chunk(spec)]
    paths = spec.get("paths")
    for path, item in (paths if isinstance(paths, dict) else {}).items():
        if str(path).startswith("x-") or not isinstance(item, dict):
            continue
        for method, operation in item.items():
            if str(method).startswith("x-") or not isinstance(operation, dict):
                continue
            chunks.append(_operation_chunk(spec, str(path), str(method), operation))
    return chunks


def _parse(content: str) -> object:
    try:
        return json.loads(content)
    except ValueError:
        pass
    try:
        return yaml.safe_load(content)
    except yaml.YAMLError:
        return None


def _info_chunk(spec: Mapping[str, Any]) -> Chunk:
    info = spec.get("info") if isinstance(spec.get("info"), dict) else {}
    title = str(info.get("title") or "API")
    lines = [f"# {title}"]
    if info.get("version"):
        lines.append(f"Version: {info['version']}")
    if info.get("description"):
        lines.append(str(info["description"]))
    servers = [s for s in spec.get("servers") or [] if isinstance(s, dict) and s.get("url")]
    if servers:
        lines.append(
            "Servers:\n"
            + "\n".join(
                f"- {s['url']}" + (f": {s['description']}" if s.get("description") else "")
                for s in servers
            )
        )
    return Chunk.of("\n\n".join(lines), {"type": "api_info", "title": title})


def _operation_chunk(
    spec: Mapping[str, Any], path: str, method: str, operation: Mapping[str, Any]
) -> Chunk:
    tags = [str(tag) for tag in operation.get("tags") or []]
    lines = [f"## {method.upper()} {path}"]
    if operation.get("summary"):
        lines.append(f"**{operation['summary']}**")
    if operation.get("description"):
        lines.append(str(operation["description"]))
    if tags:
        lines.append("Tags: " + ", ".join(tags))
    parameters = [_resolve(spec, p, REF_DEPTH) for p in operation.get("parameters") or []]
    if parameters:
        lines.append("Parameters:\n" + "\n".join(_parameter(p) for p in parameters))
    body = _resolve(spec, operation.get("requestBody") or {}, REF_DEPTH)
    content = body.get("content") if isinstance(body, dict) else None
    if isinstance(content, dict) and content:
        lines.append(
            "Request body:\n"
            + "\n".join(
                f"- {media}: {_schema_text(spec, entry)}" for media, entry in content.items()
            )
        )
    responses = operation.get("responses")
    if isinstance(responses, dict) and responses:
        lines.append(
            "Responses:\n" + "\n".join(_response(spec, code, r) for code, r in responses.items())
        )
    metadata = {
        "type": "endpoint",
        "path": path,
        "method": method.upper(),
        "operation_id": str(operation.get("operationId") or f"{method}_{path}"),
        "tags": tags,
    }
    return Chunk.of("\n\n".join(lines), metadata)


def _parameter(parameter: object) -> str:
    if not isinstance(parameter, dict):
        return f"- {parameter}"
    required = " (required)" if parameter.get("required") else ""
    description = f": {parameter['description']}" if parameter.get("description") else ""
    return f"- {parameter.get('name', '?')} ({parameter.get('in', '?')}){required}{description}"


def _response(spec: Mapping[str, Any], code: object, response: object) -> str:
    resolved = _resolve(spec, response, REF_DEPTH)
    description = resolved.get("description") if isinstance(resolved, dict) else None
    return f"- {code}: {description}" if description else f"- {code}"


def _schema_text(spec: Mapping[str, Any], entry: object) -> str:
    schema = entry.get("schema") if isinstance(entry, dict) else None
    if schema is None:
        return "(no schema)"
    rendered = json.dumps(_resolve(spec, schema, REF_DEPTH), default=str)
    return rendered[:MAX_SCHEMA_CHARS]


def _resolve(spec: Mapping[str, Any], node: Any, depth: int) -> Any:
    """`node` with local `$ref`s replaced by their targets, following at most `depth` refs."""
    if isinstance(node, list):
        return [_resolve(spec, item, depth) for item in node]
    if not isinstance(node, dict):
        return node
    ref = node.get("$ref")
    if isinstance(ref, str) and ref.startswith("#/") and depth > 0:
        target: Any = spec
        for part in ref[2:].split("/"):
            key = part.replace("~1", "/").replace("~0", "~")
            target = target.get(key) if isinstance(target, dict) else None
        return node if target is None else _resolve(spec, target, depth - 1)
    return {key: _resolve(spec, value, depth) for key, value in node.items()}
