# Everything the project needs is installed from pyproject.toml, pinned by constraints.txt;
# the install also compiles the importers' hot path (setup.py), so it reruns when they change.
PYTHON ?= python3
VENV   := .venv
BIN    := $(VENV)/bin
STAMP  := $(VENV)/.installed-stamp
export PIP_DISABLE_PIP_VERSION_CHECK := 1
# Pins what pip installs to build the package too (mypy compiles the importers).
export PIP_BUILD_CONSTRAINT := $(CURDIR)/constraints.txt

.PHONY: run test lint typecheck contracts pytest bench chaos sandbox clean bundle bundle-check

$(STAMP): pyproject.toml constraints.txt setup.py $(wildcard seller_console/importers/*.py)
	@test -x $(BIN)/python || $(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet -c constraints.txt pip
	$(BIN)/python -m pip install --quiet -c constraints.txt -e '.[dev]'
	@touch $(STAMP)

## The app (the embedded sandbox and demo data when nothing is configured).
run: $(STAMP)
	$(BIN)/seller-console $(ARGS)

## The sandbox platform alone, on 127.0.0.1.
sandbox: $(STAMP)
	$(BIN)/seller-console-sandbox $(ARGS)

## Every check: lint, types, layer contracts, then the test suite.
test: lint typecheck contracts pytest

lint: $(STAMP)
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .

typecheck: $(STAMP)
	$(BIN)/mypy

contracts: $(STAMP)
	$(BIN)/lint-imports

pytest: $(STAMP)
	$(BIN)/python -m pytest $(PYTEST_ARGS)

## Benchmarks: print figures, never assert timings. Not part of `make test`.
bench: $(STAMP)
	$(BIN)/python -m tests.benchmarks

## Crash and failure scenarios end to end against the sandbox, faults on (bounded, <= 5 min).
chaos: $(STAMP)
	timeout 300 $(BIN)/python -m tests.chaos

## The app as a one-folder PyInstaller build in dist/seller-console/ (build.spec).
bundle: $(STAMP)
	$(BIN)/python -m pip install --quiet -c constraints.txt -e '.[bundle]'
	$(BIN)/pyinstaller --noconfirm --clean build.spec

## Run the built app headless: the bundle probe, then --self-test (tools/bundle_check.py).
bundle-check: $(STAMP)
	$(BIN)/python tools/bundle_check.py

clean:
	rm -rf $(VENV) build dist *.egg-info .mypy_cache .ruff_cache
	find seller_console -name "*.so" -delete
