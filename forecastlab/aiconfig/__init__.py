"""The AI configuration (spec §15.2-15.5): the effective settings of the agents and the RAG
embedder, changed at run time through persisted overrides, and the providers' health."""

from forecastlab.aiconfig.overrides import effective_settings

__all__ = ["effective_settings"]
