"""The RAG knowledge base (spec §12): chunk documents, embed them, store the vectors in
pgvector, and retrieve the chunks nearest to a question.

Entry points: `indexing.index_document`, `project_docs.index_project_docs`,
`retrieval.retrieve` / `retrieval.search`, and `store.list_sources` / `store.delete_source`.
Every entry point takes the *effective* settings (`forecastlab.aiconfig.effective_settings`),
so a `PATCH /config/ai` applies to the next call.
"""
