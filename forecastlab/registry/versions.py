"""Versions recorded with a run: runtime_info (spec §8.3), code_version and pip requirements."""

from __future__ import annotations

import platform
import subprocess
from functools import lru_cache
from importlib.metadata import version

import forecastlab
from forecastlab.settings import PROJECT_ROOT

# What a logged model needs to be loaded elsewhere, pinned to what it was logged with.
# forecastlab itself is not on a package index: a loading process must have it installed.
_REQUIREMENTS = ("mlflow", "numpy", "pandas", "scikit-learn", "joblib", "cloudpickle", "lightgbm")


def runtime_info() -> dict[str, str]:
    """The interpreter and library versions of spec §8.3, captured now."""
    return {
        "python_version": platform.python_version(),
        "sklearn_version": version("scikit-learn"),
        "numpy_version": version("numpy"),
        "pandas_version": version("pandas"),
        "joblib_version": version("joblib"),
    }


def pip_requirements() -> list[str]:
    """Explicit requirements for log_model: inferring them costs seconds per model (STACK.md)."""
    return [f"{name}=={version(name)}" for name in _REQUIREMENTS]


@lru_cache(maxsize=1)
def code_version() -> str:
    """forecastlab's version, plus the git commit when running from a checkout."""
    try:
        sha = subprocess.run(
            ["git", "rev-parse", "--short=12", "HEAD"],
            cwd=PROJECT_ROOT,
            capture_output=True,
            text=True,
            timeout=5,
            check=True,
        ).stdout.strip()
    except (OSError, subprocess.SubprocessError):  # an installed package has no checkout
        return forecastlab.__version__
    return f"{forecastlab.__version__}+g{sha}" if sha else forecastlab.__version__
