"""The import rule of DESIGN.md, checked statically with `ast`.

`forecastlab` is the domain core: it imports neither Dagster (any `dagster*` package), FastAPI
/ Starlette, nor the two shells `orchestration` and `serving`. `serving` reaches Dagster only
through its run-launching client, so it never imports `orchestration`. Every `.py` file is
parsed, and every import counts: module level, function-local, under `TYPE_CHECKING`,
relative, and `importlib.import_module("...")` / `__import__("...")` with a literal name.
"""

from __future__ import annotations

import ast
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent

_DYNAMIC_IMPORTERS = {"import_module", "__import__"}


@dataclass(frozen=True)
class Violation:
    """One forbidden import: where it is and what it imports."""

    path: str
    line: int
    module: str

    def __str__(self) -> str:
        return f"{self.path}:{self.line} imports {self.module}"


def forbidden_in_core(module: str) -> bool:
    """What `forecastlab` must not import."""
    top = module.split(".")[0]
    return top.startswith("dagster") or top in {"fastapi", "starlette", "orchestration", "serving"}


def forbidden_in_serving(module: str) -> bool:
    """What `serving` must not import."""
    return module.split(".")[0] == "orchestration"


def _package_of(path: Path, root: Path) -> list[str]:
    """The dotted package a file belongs to (the module's own package for `__init__.py`)."""
    return list(path.relative_to(root).with_suffix("").parts[:-1])


def imported_modules(source: str, package: list[str]) -> Iterator[tuple[int, str]]:
    """(line, absolute module name) of every import in `source`, relative ones resolved."""
    for node in ast.walk(ast.parse(source)):
        if isinstance(node, ast.Import):
            for alias in node.names:
                yield node.lineno, alias.name
        elif isinstance(node, ast.ImportFrom):
            if node.level:
                base = package[: max(0, len(package) - (node.level - 1))]
                prefix = ".".join(base)
                module = ".".join(part for part in (prefix, node.module or "") if part)
            else:
                module = node.module or ""
            yield node.lineno, module
            # `from pkg import sub` may import the submodule `pkg.sub` (`from . import serving`).
            for alias in node.names:
                if alias.name != "*":
                    yield node.lineno, f"{module}.{alias.name}" if module else alias.name
        elif isinstance(node, ast.Call):
            func = node.func
            name = func.attr if isinstance(func, ast.Attribute) else getattr(func, "id", None)
            first = node.args[0] if node.args else None
            if (
                name in _DYNAMIC_IMPORTERS
                and isinstance(first, ast.Constant)
                and isinstance(first.value, str)
            ):
                yield node.lineno, first.value


def violations(
    folder: Path, root: Path, forbidden: Callable[[str], bool]
) -> tuple[int, list[Violation]]:
    """Scan every .py file under `folder`; returns (files scanned, forbidden imports found)."""
    found: list[Violation] = []
    files = sorted(folder.rglob("*.py"))
    for path in files:
        package = _package_of(path, root)
        for line, module in imported_modules(path.read_text(encoding="utf-8"), package):
            if forbidden(module):
                found.append(Violation(str(path.relative_to(root)), line, module))
    return len(files), found


def test_forecastlab_imports_neither_dagster_nor_fastapi_nor_the_shells() -> None:
    scanned, found = violations(ROOT / "forecastlab", ROOT, forbidden_in_core)
    assert scanned > 0, "no .py file found under forecastlab/"
    assert [str(v) for v in found] == []


def test_serving_never_imports_orchestration() -> None:
    # serving/ arrives with the API slice; until then there is nothing under it to break the rule.
    serving = ROOT / "serving"
    _, found = violations(serving, ROOT, forbidden_in_serving) if serving.is_dir() else (0, [])
    assert [str(v) for v in found] == []


# --- the checks can fail -------------------------------------------------------------------

BAD_CORE_MODULE = '''
"""A domain module that breaks every part of the rule."""
import importlib
import os
from typing import TYPE_CHECKING

import dagster
from dagster_dbt import DbtCliResource

if TYPE_CHECKING:
    from fastapi import FastAPI


def lazy():
    import starlette.responses
    from orchestration.defs import jobs
    from .. import serving
    from ..serving import main
    importlib.import_module("dagster_postgres")
    __import__("orchestration")
    return os
'''


def test_scanner_finds_every_kind_of_forbidden_import(tmp_path: Path) -> None:
    module = tmp_path / "forecastlab" / "sub" / "bad.py"
    module.parent.mkdir(parents=True)
    module.write_text(BAD_CORE_MODULE)
    (tmp_path / "forecastlab" / "ok.py").write_text("import numpy\nfrom . import settings\n")

    scanned, found = violations(tmp_path / "forecastlab", tmp_path, forbidden_in_core)

    assert scanned == 2
    assert {(v.line, v.module) for v in found} == {
        (7, "dagster"),
        (8, "dagster_dbt"),
        (8, "dagster_dbt.DbtCliResource"),
        (11, "fastapi"),
        (11, "fastapi.FastAPI"),
        (15, "starlette.responses"),
        (16, "orchestration.defs"),
        (16, "orchestration.defs.jobs"),
        (19, "dagster_postgres"),
        (20, "orchestration"),
    }
    # `from .. import serving` inside forecastlab/sub resolves to forecastlab.serving: allowed.
    assert all(v.path == "forecastlab/sub/bad.py" for v in found)


def test_relative_imports_resolve_against_the_package() -> None:
    source = "from . import a\nfrom .. import b\nfrom ...c import d\n"
    assert list(imported_modules(source, ["pkg", "sub", "deep"])) == [
        (1, "pkg.sub.deep"),
        (1, "pkg.sub.deep.a"),
        (2, "pkg.sub"),
        (2, "pkg.sub.b"),
        (3, "pkg.c"),
        (3, "pkg.c.d"),
    ]


def test_serving_check_flags_orchestration_only(tmp_path: Path) -> None:
    (tmp_path / "serving").mkdir()
    (tmp_path / "serving" / "main.py").write_text(
        "from dagster_graphql import DagsterGraphQLClient\nimport forecastlab\n"
        "def f():\n    from orchestration import definitions\n"
    )
    _, found = violations(tmp_path / "serving", tmp_path, forbidden_in_serving)
    assert [str(v) for v in found] == [
        "serving/main.py:4 imports orchestration",
        "serving/main.py:4 imports orchestration.definitions",
    ]
