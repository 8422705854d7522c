"""Horizon offsets (gap + j, D-04) and their buckets."""

from __future__ import annotations

import numpy as np

from forecastlab.backtest import BUCKET_IDS, bucket_masks, horizon_offsets


def test_offsets_start_after_the_gap() -> None:
    assert horizon_offsets(0, 3).tolist() == [1, 2, 3]
    assert horizon_offsets(2, 3).tolist() == [3, 4, 5]


def test_bucket_edges() -> None:
    offsets = np.array([1, 7, 8, 14, 15, 28, 29, 90])
    masks = bucket_masks(offsets)
    assert tuple(masks) == BUCKET_IDS == ("h_1_7", "h_8_14", "h_15_28", "h_29_plus")
    assert {b: offsets[m].tolist() for b, m in masks.items()} == {
        "h_1_7": [1, 7],
        "h_8_14": [8, 14],
        "h_15_28": [15, 28],
        "h_29_plus": [29, 90],
    }


def test_gap_moves_points_into_later_buckets() -> None:
    masks = bucket_masks(horizon_offsets(5, 10))  # offsets 6..15
    assert {b: int(m.sum()) for b, m in masks.items()} == {
        "h_1_7": 2,
        "h_8_14": 7,
        "h_15_28": 1,
        "h_29_plus": 0,
    }
