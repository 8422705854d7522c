"""The knowledge base as an asset: the project's docs chunked, embedded and stored in `rag.*`.

A thin shell over `forecastlab.rag.project_docs.index_project_docs`, the function
`POST /rag/index/project-docs` calls: files whose content hash is unchanged are skipped, so a
re-materialization embeds only what changed, and sources whose files are gone are removed.
"""

from pathlib import Path

import dagster as dg
import pandas as pd

from forecastlab.aiconfig import effective_settings
from forecastlab.rag.project_docs import index_project_docs
from forecastlab.settings import PROJECT_ROOT, get_settings
from orchestration.defs.metadata import markdown_table
from orchestration.defs.resources import WarehouseResource


class ProjectDocsConfig(dg.Config):
    """Which checkout's docs to index (default: this project's)."""

    project_root: str | None = None


@dg.asset(key=["knowledge", "project_docs_index"], group_name="knowledge", kinds={"postgres"})
def project_docs_index(
    context: dg.AssetExecutionContext, config: ProjectDocsConfig, warehouse: WarehouseResource
) -> dg.MaterializeResult:
    """docs/, PRPs/ and the root markdown, embedded for retrieval; unchanged files are skipped."""
    engine = warehouse.engine()
    # The AI overrides of PATCH /config/ai choose the embedding provider, as for the API.
    settings = effective_settings(engine, get_settings())
    root = Path(config.project_root) if config.project_root else PROJECT_ROOT
    result = index_project_docs(engine, settings, root=root, prune=True)
    for failure in (r for r in result.results if r.status == "failed"):
        context.log.warning(f"{failure.source_path}: {failure.error}")
    embedded = sum(r.chunks_created for r in result.results if r.status in ("indexed", "updated"))
    files = pd.DataFrame(
        [(r.source_path, r.status, r.chunks_created) for r in result.results],
        columns=["file", "status", "chunks"],
    )
    return dg.MaterializeResult(
        metadata={
            "files_indexed": result.indexed,
            "files_updated": result.updated,
            "files_unchanged": result.unchanged,
            "files_failed": result.failed,
            "files_removed": len(result.removed),
            "chunks_embedded": embedded,
            "chunks_total": result.total_chunks,
            "dagster/row_count": result.total_chunks,
            "embedding_provider": settings.rag_embedding_provider,
            "files": markdown_table(files),
        }
    )
