"""Index the project's own documentation (spec §12.4): `docs/**/*.md`, `PRPs/**/*.md` and the
root README / AGENTS / CHANGELOG, each through `index_document`.

`POST /rag/index/project-docs` and the Dagster asset `knowledge/project_docs_index` both call
`index_project_docs`; the asset also prunes the sources whose files are gone.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path
from time import perf_counter
from typing import Literal, get_args

from sqlalchemy import Engine

from forecastlab.rag import store
from forecastlab.rag.errors import DocumentNotFoundError, PathPrefixError
from forecastlab.rag.indexing import index_document, read_document
from forecastlab.settings import PROJECT_ROOT, Settings

Category = Literal["docs", "prp", "root"]
CATEGORIES: tuple[Category, ...] = ("docs", "prp", "root")
DOCS_DIR = "docs"
PRPS_DIR = "PRPs"
ROOT_FILES = ("README.md", "AGENTS.md", "CHANGELOG.md")
FileStatus = Literal["indexed", "updated", "unchanged", "failed"]


@dataclass(frozen=True)
class DocsScope:
    """Which project documents to index; `path_prefix` narrows the `docs/` scan."""

    include_docs: bool = True
    include_prps: bool = True
    include_root: bool = True
    path_prefix: str | None = None


@dataclass(frozen=True)
class DocFile:
    """A discovered document: its repo-relative POSIX path and its category."""

    path: str
    category: Category


@dataclass(frozen=True)
class FileResult:
    """What happened to one document."""

    source_path: str
    status: FileStatus
    chunks_created: int
    error: str | None = None


@dataclass(frozen=True)
class ProjectDocsResult:
    """Per-file results and their totals; `removed` lists the pruned sources' paths."""

    results: list[FileResult]
    total_files: int
    indexed: int
    updated: int
    unchanged: int
    failed: int
    total_chunks: int
    duration_ms: float
    removed: list[str]


def discover(scope: DocsScope, root: Path = PROJECT_ROOT) -> list[DocFile]:
    """The documents in scope, sorted by path (raises PathPrefixError for an escaping prefix)."""
    base = root.resolve()
    found: dict[str, Category] = {}
    if scope.include_docs:
        for path in _markdown_under(base, docs_folder(scope.path_prefix, base)):
            found[path] = "docs"
    if scope.include_prps:
        for path in _markdown_under(base, base / PRPS_DIR):
            found[path] = "prp"
    if scope.include_root:
        found.update({name: "root" for name in ROOT_FILES if (base / name).is_file()})
    return [DocFile(path, found[path]) for path in sorted(found)]


def docs_folder(path_prefix: str | None, root: Path) -> Path:
    """`docs/`, or the folder `path_prefix` names, which must stay inside `docs/` (else 422)."""
    docs = root / DOCS_DIR
    if path_prefix is None:
        return docs
    try:
        folder = (root / path_prefix).resolve()
    except (OSError, ValueError):
        folder = None
    if folder is None or not folder.is_relative_to(docs.resolve()):
        raise PathPrefixError(
            f"path_prefix {path_prefix!r} must name a folder inside {DOCS_DIR}/ "
            f"(for example '{DOCS_DIR}/api')."
        )
    return folder


def index_project_docs(
    engine: Engine,
    settings: Settings,
    scope: DocsScope | None = None,
    *,
    root: Path = PROJECT_ROOT,
    prune: bool = False,
) -> ProjectDocsResult:
    """Index every document in scope; a file that cannot be read is `failed`, the rest go on.

    With `prune`, project documents (any category) indexed earlier whose files are gone are
    deleted.
    `settings` are the effective settings. Raises PathPrefixError (422),
    DimensionMismatchError (409) or EmbeddingError (502, aborting the batch).
    """
    started = perf_counter()
    files = discover(scope or DocsScope(), root)
    store.ensure_dimension(engine, settings)
    results = [_index_file(engine, settings, doc, root) for doc in files]
    removed = _prune(engine, root) if prune else []
    counts = {status: sum(r.status == status for r in results) for status in get_args(FileStatus)}
    return ProjectDocsResult(
        results=results,
        total_files=len(results),
        indexed=counts["indexed"],
        updated=counts["updated"],
        unchanged=counts["unchanged"],
        failed=counts["failed"],
        total_chunks=sum(r.chunks_created for r in results),
        duration_ms=round((perf_counter() - started) * 1000, 3),
        removed=removed,
    )


def _index_file(engine: Engine, settings: Settings, doc: DocFile, root: Path) -> FileResult:
    try:
        content = read_document(doc.path, root)
    except DocumentNotFoundError as exc:
        return FileResult(doc.path, "failed", 0, str(exc))
    result = index_document(
        engine, settings, "markdown", doc.path, content, {"category": doc.category}, root=root
    )
    return FileResult(doc.path, result.status, result.chunks_created)


def _prune(engine: Engine, root: Path) -> list[str]:
    removed = []
    for source_id, source_path in store.sources_in_categories(engine, CATEGORIES):
        try:
            read_document(source_path, root)
        except DocumentNotFoundError:
            store.delete_source(engine, source_id)
            removed.append(source_path)
    return sorted(removed)


def _markdown_under(root: Path, folder: Path) -> list[str]:
    if not folder.is_dir():
        return []
    return [path.relative_to(root).as_posix() for path in folder.rglob("*.md") if path.is_file()]
