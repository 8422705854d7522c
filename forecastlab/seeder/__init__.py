"""The Forge: deterministic synthetic retail data (spec §2, DESIGN.md).

Same seed + same configuration + same window → identical rows, generated vectorized with one
named numpy random stream per generator and bulk-loaded with COPY.
"""

from forecastlab.seeder.build import build_config
from forecastlab.seeder.config import SeederConfig, SeederConfigError, SeederOverrides
from forecastlab.seeder.hashing import table_hashes
from forecastlab.seeder.presets import PRESETS, PresetInfo, validate_preset_name
from forecastlab.seeder.service import (
    ProgressFn,
    SeederError,
    SeedResult,
    append,
    generate,
    regenerate_days,
    sales_frame,
)

__all__ = [
    "PRESETS",
    "PresetInfo",
    "ProgressFn",
    "SeedResult",
    "SeederConfig",
    "SeederConfigError",
    "SeederError",
    "SeederOverrides",
    "append",
    "build_config",
    "generate",
    "regenerate_days",
    "sales_frame",
    "table_hashes",
    "validate_preset_name",
]
