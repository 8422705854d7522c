"""The one interface every embedding provider implements."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Protocol

import numpy as np


class Embedder(Protocol):
    """Turns texts into unit-length vectors of a fixed dimension."""

    provider: str
    dimension: int

    def embed(self, texts: Sequence[str]) -> np.ndarray:
        """One float32 row per text, in the order of `texts` (raises EmbeddingError)."""
        ...
