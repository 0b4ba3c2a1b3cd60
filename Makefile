# The two entry points of the README: `make run` and `make test`.
# Both create .venv with the Python found as $(PYTHON) (3.11 or newer).

PYTHON ?= python3
VENV   := .venv
BIN    := $(VENV)/bin
CONFIG ?= config.example.toml
SINCE  ?= 2000-01-01

.PHONY: run test lint typecheck pytest corpus fuzz install dev bench bench-deps bench-eval report-example lock image-test clean

$(BIN)/python:
	$(PYTHON) -c 'import sys; assert sys.version_info >= (3, 11), "Python 3.11+ is required"'
	$(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip

# Dependencies come from the locks (exact versions, sha256 hashes), the connector
# itself from this folder without resolving anything again.
$(VENV)/.installed: pyproject.toml requirements/lock.txt | $(BIN)/python
	$(BIN)/python -m pip install --quiet --require-hashes -r requirements/lock.txt
	$(BIN)/python -m pip install --quiet --no-deps -e .
	touch $@

$(VENV)/.dev-installed: pyproject.toml requirements/dev-lock.txt | $(BIN)/python
	$(BIN)/python -m pip install --quiet --require-hashes -r requirements/dev-lock.txt
	$(BIN)/python -m pip install --quiet --no-deps -e .
	touch $@ $(VENV)/.installed

install: $(VENV)/.installed
dev: $(VENV)/.dev-installed

## run: backfill the bundled example data through both flows, then show status
run: install
	$(BIN)/connector --config $(CONFIG) backfill handoff --since $(SINCE)
	$(BIN)/connector --config $(CONFIG) backfill outcomes --since $(SINCE)
	$(BIN)/connector --config $(CONFIG) status

## test: lint, type checks and the whole test suite (SQLite and PostgreSQL)
test: lint typecheck pytest

lint: dev
	$(BIN)/ruff check connector adapters tests
	$(BIN)/ruff format --check connector adapters

typecheck: dev
	$(BIN)/mypy --strict connector adapters

pytest: dev
	$(BIN)/python -m pytest -q

## corpus: the bad-input corpus (about 130 cases through the real CLI, ~7 min)
corpus: dev
	$(BIN)/python -m pytest tests/badinput -m corpus -q -p no:cacheprovider

## fuzz: the CSV reader's fuzz tests with a fixed budget of examples (~2 min)
FUZZ_EXAMPLES ?= 2000
fuzz: dev
	FUZZ_EXAMPLES=$(FUZZ_EXAMPLES) $(BIN)/python -m pytest tests/properties -k fuzz -q \
	  -p no:cacheprovider

## bench: the benchmarks of bench/README.md at a size that runs in minutes
bench: dev
	$(BIN)/python bench/dedupe.py 100000 --queries 1000
	$(BIN)/python -m bench.hubspot_bench
	$(BIN)/python bench/csv_throughput.py
	$(BIN)/python bench/flow_throughput.py

## bench-deps: the bench-only extra (recordlinkage, pandas) from its own hashed lock;
## never part of lock.txt or dev-lock.txt, so no test needs it
$(VENV)/.bench-installed: pyproject.toml requirements/bench-lock.txt | $(VENV)/.dev-installed
	$(BIN)/python -m pip install --quiet --require-hashes -r requirements/bench-lock.txt
	touch $@

bench-deps: $(VENV)/.bench-installed

## bench-eval: deduplication scored on independent data (bench/README.md), 100k leads
bench-eval: bench-deps
	$(BIN)/python -m bench.dedupe_eval --sources ours,blind,febrl1,febrl3,febrl4 \
	  --sizes 100000 --methods exact,ecm,rules,model

report-example: dev
	$(BIN)/python scripts/report_example.py

## lock: re-resolve requirements/*.txt from pyproject.toml (after changing a dependency)
LOCK_FLAGS := --generate-hashes --universal --python-version 3.11 --no-header
lock: | $(BIN)/python
	$(BIN)/python -m pip install --quiet uv
	$(BIN)/python -m uv pip compile pyproject.toml --extra postgres $(LOCK_FLAGS) \
	  -o requirements/lock.txt
	$(BIN)/python -m uv pip compile pyproject.toml --extra postgres --extra dev \
	  $(LOCK_FLAGS) -o requirements/dev-lock.txt
	# The bench lock is held to the dev lock's versions, so both install in one venv.
	$(BIN)/python -m uv pip compile pyproject.toml --extra bench \
	  -c requirements/dev-lock.txt $(LOCK_FLAGS) -o requirements/bench-lock.txt

## image-test: build the image and run it (docker, or podman with vfs storage)
image-test:
	bash scripts/image-test.sh

clean:
	rm -rf $(VENV) state out .pytest_cache .mypy_cache .ruff_cache
