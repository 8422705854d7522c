"""The markdown chunker (spec §12.1): sections at headings, greedy packing with overlap.

Headings inside fenced code blocks are not headings (a `# comment` in a shell example would
otherwise cut the example in two and become a section title).
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from dataclasses import dataclass

from forecastlab.rag.chunks import Chunk, ChunkingRules
from forecastlab.rag.tokens import MAX_INPUT_TOKENS, count_tokens, tail_tokens, truncate_tokens

# 1-6 `#`, whitespace, a title; an optional closing run of `#` is not part of the title.
_HEADING = re.compile(r"^(#{1,6})[ \t]+(.*?\S)(?:[ \t]+#+)?[ \t]*$")
_FENCE = re.compile(r"^ {0,3}(`{3,}|~{3,})")
_BLANK_LINES = re.compile(r"\n[ \t]*\n")
_SENTENCE_END = re.compile(r"(?<=[.!?])\s+")
PARAGRAPH_SEPARATOR = "\n\n"


@dataclass(frozen=True)
class Section:
    """A heading line and the text up to the next heading, with the heading path it sits under."""

    text: str
    path: tuple[str, ...]


def sections(content: str) -> list[Section]:
    """The sections of `content`; text before the first heading is a heading-less section."""
    found: list[Section] = []
    path: tuple[str, ...] = ()
    lines: list[str] = []
    fence: str | None = None
    for line in content.splitlines():
        marker = _FENCE.match(line)
        if marker:
            fence = _toggle_fence(fence, marker[1])
        elif fence is None and (heading := _HEADING.match(line)):
            _add_section(found, lines, path)
            level = len(heading[1])
            path = (*path[: level - 1], heading[2])
            lines = []
        lines.append(line)
    _add_section(found, lines, path)
    return found


def _toggle_fence(open_fence: str | None, run: str) -> str | None:
    """The open fence after a fence line: it opens one, or closes the open one when it is made
    of the same character and at least as long (CommonMark)."""
    if open_fence is None:
        return run
    closes = run[0] == open_fence[0] and len(run) >= len(open_fence)
    return None if closes else open_fence


def _add_section(found: list[Section], lines: list[str], path: tuple[str, ...]) -> None:
    text = "\n".join(lines).strip()
    if text:
        found.append(Section(text, path))


def chunk_markdown(content: str, rules: ChunkingRules) -> list[Chunk]:
    """The chunks of a markdown document, each labelled with the path of its last section."""
    packer = _Packer(rules)
    for section in sections(content):
        packer.add(section)
    return packer.finish()


def heading_metadata(path: tuple[str, ...]) -> dict[str, object] | None:
    """`{heading, section_path}` of a chunk under `path`; None when it has no heading."""
    return {"heading": path[-1], "section_path": list(path)} if path else None


class _Packer:
    """Greedy packing of sections into chunks of about `chunk_size` tokens."""

    def __init__(self, rules: ChunkingRules) -> None:
        self.rules = rules
        self.chunks: list[Chunk] = []
        self.pending = ""
        self.pending_tokens = 0
        self.pending_path: tuple[str, ...] = ()

    def add(self, section: Section) -> None:
        size = count_tokens(section.text)
        if size > self.rules.chunk_size:
            self._flush()
            for piece in _pack(_pieces(section.text, self.rules.chunk_size), self.rules.chunk_size):
                self._emit(piece, section.path)
            return
        if self.pending and self.pending_tokens + size > self.rules.chunk_size:
            flushed = self._flush()
            overlap = tail_tokens(flushed, self.rules.chunk_overlap).strip()
            self._append(overlap, count_tokens(overlap))
        self._append(section.text, size)
        # D-22: a chunk is labelled with the path of its own last section.
        self.pending_path = section.path

    def finish(self) -> list[Chunk]:
        # A short tail is dropped unless it is the whole document (reference behaviour).
        if self.pending and (not self.chunks or self.pending_tokens >= self.rules.min_chunk_size):
            self._flush()
        return self.chunks

    def _append(self, text: str, tokens: int) -> None:
        if text:
            self.pending = f"{self.pending}{PARAGRAPH_SEPARATOR}{text}" if self.pending else text
            self.pending_tokens += tokens

    def _flush(self) -> str:
        flushed = self.pending
        if flushed:
            self._emit(flushed, self.pending_path)
        self.pending, self.pending_tokens = "", 0
        return flushed

    def _emit(self, text: str, path: tuple[str, ...]) -> None:
        self.chunks.append(Chunk.of(text, heading_metadata(path)))


def _pieces(text: str, limit: int) -> list[str]:
    """A too-large section as paragraphs; a paragraph still too large as packed sentences."""
    pieces: list[str] = []
    for paragraph in (p.strip() for p in _BLANK_LINES.split(text)):
        if not paragraph:
            continue
        if count_tokens(paragraph) <= limit:
            pieces.append(paragraph)
            continue
        sentences = (
            truncate_tokens(sentence, MAX_INPUT_TOKENS)
            for sentence in _SENTENCE_END.split(paragraph)
            if sentence
        )
        pieces.extend(_pack(sentences, limit, separator=" "))
    return pieces


def _pack(pieces: Iterable[str], limit: int, separator: str = PARAGRAPH_SEPARATOR) -> list[str]:
    """Join consecutive pieces while the total stays within `limit` tokens."""
    packed: list[str] = []
    current: list[str] = []
    current_tokens = 0
    for piece in pieces:
        tokens = count_tokens(piece)
        if current and current_tokens + tokens > limit:
            packed.append(separator.join(current))
            current, current_tokens = [], 0
        current.append(piece)
        current_tokens += tokens
    if current:
        packed.append(separator.join(current))
    return packed
