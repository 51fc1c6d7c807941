# One command to set up and run the main job, one to run the tests. Both work on a fresh clone, offline
# but for the package registries.
PYTHON ?= python3
VENV := .venv
PY := $(VENV)/bin/python
STAMP := $(VENV)/.installed
# Prism (node), the spec's mock server, for the contract tier; 5.16 needs node >= 24, so 5.14.2.
PRISM := .tools/node_modules/.bin/prism

.PHONY: setup demo test lint typecheck generate check-generated bench prism

setup: $(STAMP)

$(STAMP): pyproject.toml
	test -x $(PY) || $(PYTHON) -m venv $(VENV)
	$(PY) -m pip install --quiet --disable-pip-version-check -e '.[dev]'
	touch $(STAMP)

prism: $(PRISM)

$(PRISM):
	@if command -v npm >/dev/null 2>&1; then \
		npm install --no-audit --no-fund --prefix .tools @stoplight/prism-cli@5.14.2; \
	else \
		echo "npm not found: the contract tier (Prism) will be skipped"; \
	fi

demo: setup
	$(PY) examples/quickstart.py

lint: setup
	$(PY) -m ruff check .

typecheck: setup
	$(PY) -m pyright

test: setup prism lint typecheck
	$(PY) -m pytest -q

generate: setup
	$(PY) -m codegen

bench: setup
	$(PY) -m pip install --quiet --disable-pip-version-check -e '.[bench]'
	$(PY) -m benchmarks
