"""Knowledge assets: the project's documentation indexed for retrieval (the RAG knowledge base)."""
