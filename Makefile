# One command to set up and run the main job, one to run the tests. Both work on a fresh clone, offline
# but for the package registries.
PYTHON ?= python3
VENV := .venv
PY := $(VENV)/bin/python
STAMP := $(VENV)/.installed

.PHONY: setup demo test lint typecheck generate check-generated bench

setup: $(STAMP)

$(STAMP): pyproject.toml
	test -x $(PY) || $(PYTHON) -m venv $(VENV)
	$(PY) -m pip install --quiet --disable-pip-version-check -e '.[dev]'
	touch $(STAMP)

demo: setup
	$(PY) examples/quickstart.py

lint: setup
	$(PY) -m ruff check .

typecheck: setup
	$(PY) -m pyright

test: setup lint typecheck
	$(PY) -m pytest -q

generate: setup
	$(PY) -m codegen

bench: setup
	$(PY) -m pip install --quiet --disable-pip-version-check -e '.[bench]'
	$(PY) -m benchmarks
