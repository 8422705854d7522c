"""Named random streams: one independent numpy Generator per (generator name, keys).

Streams are spawned by name from the seed (DESIGN.md), so enabling an optional generator, or
generating store by store, never shifts the draws of any other generator.
"""

from __future__ import annotations

import hashlib

import numpy as np


def _name_key(name: str) -> int:
    return int.from_bytes(hashlib.sha256(name.encode()).digest()[:4], "big")


def stream(seed: int, name: str, *keys: int) -> np.random.Generator:
    """The Generator of generator `name` (and sub-keys such as a store index) for `seed`."""
    sequence = np.random.SeedSequence(entropy=seed, spawn_key=(_name_key(name), *keys))
    return np.random.Generator(np.random.PCG64(sequence))
