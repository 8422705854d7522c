# ForecastLab — two commands from a fresh clone: `make demo`, `make test`; `make serve` for the UIs.
# Needs only Python 3.11 and the package registry: everything else installs into .venv on first use.

PYTHON ?= python3.11
UV_VERSION := 0.13.8
VENV := .venv
TOOLS := .tools
UV := $(TOOLS)/uv/bin/uv
BIN := $(VENV)/bin

export UV_PYTHON := $(PYTHON)
export UV_PYTHON_DOWNLOADS := never
export UV_PROJECT_ENVIRONMENT := $(CURDIR)/$(VENV)
export UV_LINK_MODE := copy

DBT_SOURCES := $(shell find dbt_project -path dbt_project/target -prune -o -type f \( -name '*.sql' -o -name '*.yml' \) -print 2>/dev/null)
MANIFEST := dbt_project/target/manifest.json

.PHONY: install demo test serve lint format clean manifest

$(UV):
	$(PYTHON) -m venv $(TOOLS)/uv
	$(TOOLS)/uv/bin/pip install --quiet uv==$(UV_VERSION)

$(VENV)/.installed: pyproject.toml uv.lock | $(UV)
	$(UV) sync --frozen --all-extras
	touch $@

install: $(VENV)/.installed

# Dagster's dbt assets read the manifest when the definitions load (STACK.md), so build it first.
$(MANIFEST): $(VENV)/.installed $(DBT_SOURCES)
	$(BIN)/dbt parse --quiet --project-dir dbt_project --profiles-dir dbt_project
	touch $@

manifest: $(MANIFEST)

demo: $(MANIFEST)
	$(BIN)/forecastlab demo

serve: $(MANIFEST)
	$(BIN)/forecastlab serve

lint: install
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .

format: install
	$(BIN)/ruff format .
	$(BIN)/ruff check --fix .

test: $(MANIFEST)
	$(BIN)/ruff check .
	$(BIN)/pytest

clean:
	rm -rf $(VENV) $(TOOLS) dbt_project/target dbt_project/logs
