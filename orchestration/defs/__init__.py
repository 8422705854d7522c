"""Definitions loaded from this folder by `orchestration.definitions`."""
