# Two commands for a newcomer: `make setup` (install), `make check` (the offline policy gate).
# `make test` runs the test suite; `make lint` runs ruff. CI (.ci/run) calls exactly these targets.
PYTHON ?= python3
VENV ?= .venv
BIN := $(VENV)/bin

.PHONY: setup check test lint actionlint bench pack-bundle clean

setup: $(VENV)/.installed

$(VENV)/.installed: pyproject.toml
	$(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip
	$(BIN)/python -m pip install --quiet -e ".[dev]"
	touch $@

check: setup
	$(BIN)/regionpair check

test: setup
	$(BIN)/python -m pytest -q

lint: setup
	$(BIN)/ruff check .

# The workflow must pass actionlint (pinned in pyproject.toml's dev extra, a wheel with the binary inside).
actionlint: setup
	$(BIN)/actionlint .github/workflows/regionpair.yml

bench: setup
	$(BIN)/python bench/bench_check.py
	$(BIN)/python bench/bench_sending.py
	$(BIN)/python bench/bench_sync.py

# The policy pack as a directory `pulumi policy publish <org>` takes (docs/policy-pack.md). Its requirements.txt
# installs this regionpair version from INDEX_URL (your package index) or WHEEL_URL (the wheel's URL).
PACK_OUT ?= dist/policy-pack
pack-bundle: setup
	$(BIN)/python -m regionpair.pack_bundle $(PACK_OUT) $(if $(INDEX_URL),--index-url $(INDEX_URL)) \
		$(if $(WHEEL_URL),--wheel-url $(WHEEL_URL))

clean:
	rm -rf $(VENV) .pytest_cache .ruff_cache *.egg-info
