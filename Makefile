# exportwatch task runner. `make demo` and `make test` work on a fresh clone: they install first.
PYTHON ?= python3
VENV := .venv
TOOLS := .venv-tools
LOCKER := .venv-lock
BIN := $(VENV)/bin
PY313 := $(shell pyenv root 2>/dev/null)/versions/3.13.0/bin
# Locks: every package pinned, with hashes. People edit the ranges (layers/core/requirements.in,
# pyproject.toml's dependencies and extras, requirements-tools.in, requirements/bootstrap.in);
# `make lock` compiles them.
LAYER_LOCK := layers/core/requirements.txt
DEV_LOCK := requirements/dev.txt
TOOLS_LOCK := requirements/tools.txt
BOOTSTRAP_LOCK := requirements/bootstrap.txt
# The layer is resolved for the functions' runtime (template.yaml: python3.13, arm64); .venv and
# .venv-tools for Python 3.11 (pyproject's floor) on Linux x86-64. The locks hold the hashes of
# every file of a release, so they install on other platforms too where the resolution agrees.
LAYER_TARGET := --python-version 3.13 --python-platform aarch64-manylinux_2_28
LOCAL_TARGET := --python-version 3.11 --python-platform x86_64-manylinux_2_28
UV_VERSION := 0.13.9
UV := $(LOCKER)/bin/uv
# `make lock` moves every pin to the newest release the ranges allow; `make lock UPGRADE=` keeps
# the current pins where the ranges still allow them (after editing one range).
UPGRADE ?= --upgrade
COMPILE = $(UV) pip compile --quiet --generate-hashes --custom-compile-command "make lock" $(UPGRADE)
export SAM_CLI_TELEMETRY := 0
export PIP_DISABLE_PIP_VERSION_CHECK := 1

.DEFAULT_GOAL := help
.PHONY: help install dev tools lock format lint typecheck test unit validate bench cost demo eval train build deploy clean

help:  ## Show the targets
	@grep -E '^[a-z-]+:.*## ' $(MAKEFILE_LIST) | awk -F':.*## ' '{printf "  make %-10s %s\n", $$1, $$2}'

# A changed lock makes the environment anew (--clear), so a package dropped from the lock goes too.
$(VENV)/.installed: $(BOOTSTRAP_LOCK) $(DEV_LOCK) pyproject.toml
	$(PYTHON) -m venv --clear $(VENV)
	$(BIN)/pip install -q --require-hashes -r $(BOOTSTRAP_LOCK)
	$(BIN)/pip install -q --require-hashes -r $(DEV_LOCK)
	$(BIN)/pip install -q --no-deps --no-build-isolation -e .
	touch $@

$(TOOLS)/.installed: $(BOOTSTRAP_LOCK) $(TOOLS_LOCK)
	$(PYTHON) -m venv --clear $(TOOLS)
	$(TOOLS)/bin/pip install -q --require-hashes -r $(BOOTSTRAP_LOCK)
	$(TOOLS)/bin/pip install -q --require-hashes -r $(TOOLS_LOCK)
	touch $@

$(LOCKER)/.uv-$(UV_VERSION):
	$(PYTHON) -m venv --clear $(LOCKER)
	$(LOCKER)/bin/pip install -q uv==$(UV_VERSION)
	touch $@

install: $(VENV)/.installed  ## Make .venv with exportwatch (CLI in .venv/bin) and the dev tools
dev: install tools  ## Everything for development: .venv and .venv-tools (SAM CLI, cfn-lint, checkov)
tools: $(TOOLS)/.installed  ## Make .venv-tools with the SAM CLI, cfn-lint (+serverless rules) and checkov

lock: $(LOCKER)/.uv-$(UV_VERSION)  ## Refresh the locks (layer, .venv, .venv-tools, pip) from the ranges
	$(COMPILE) $(LAYER_TARGET) layers/core/requirements.in -o $(LAYER_LOCK)
	$(COMPILE) $(LOCAL_TARGET) pyproject.toml --extra dev -c $(LAYER_LOCK) -o $(DEV_LOCK)
	$(COMPILE) $(LOCAL_TARGET) requirements-tools.in -o $(TOOLS_LOCK)
	$(COMPILE) $(LOCAL_TARGET) requirements/bootstrap.in -o $(BOOTSTRAP_LOCK)

format: install  ## Format the code
	$(BIN)/ruff format .
	$(BIN)/ruff check --fix .

lint: install  ## ruff and mypy
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .
	$(BIN)/mypy

typecheck: lint

test:  ## Lint, then every test: unit, contract, integration (moto + loopback HTTP), template checks
	$(MAKE) -j2 install tools  # the two environments install side by side (CI starts from neither)
	$(MAKE) lint
	PATH="$(PY313):$(CURDIR)/$(TOOLS)/bin:$$PATH" $(BIN)/pytest

unit: install  ## Unit tests only (fast, no AWS, no sockets)
	$(BIN)/pytest tests/unit

validate: tools  ## cfn-lint with the serverless rules, sam validate --lint, checkov
	$(TOOLS)/bin/cfn-lint template.yaml -a cfn_lint_serverless.rules
	$(TOOLS)/bin/sam validate --lint
	$(TOOLS)/bin/checkov -f template.yaml --framework cloudformation --skip-download --compact --quiet

bench: install  ## Benchmarks: classification throughput, cold-start import cost, unchanged-feed cost
	$(BIN)/python bench/run.py

demo: install  ## The whole pipeline on moto with the bundled sample sources; prints what subscribers got
	$(BIN)/exportwatch demo

train: install  ## Fit the classifier's models (scikit-learn, 5-fold CV, fixed seeds): classify/model.json, party_model.json
	$(BIN)/python -m exportwatch_cli.train
	$(BIN)/python -m exportwatch_cli.train_parties

eval: install  ## Classification and clustering on the training sets and the frozen held-out sets, side by side
	@echo "== classification, cross-validated on the training data (make train computed it; stored in model.json)"
	@$(BIN)/python -m exportwatch_cli.train --show
	@echo "== parties, cross-validated on the training data (make train computed it; stored in party_model.json)"
	@$(BIN)/python -m exportwatch_cli.train_parties --show
	@echo "== classification, training corpus (the model was fitted and the rules written on it)"
	@$(BIN)/exportwatch eval tests/fixtures/corpus/*.jsonl
	@echo "== classification, held-out news (frozen; never tuned on)"
	@$(BIN)/exportwatch eval tests/fixtures/heldout/news.jsonl
	@echo "== classification, held-out Federal Register documents (frozen; never tuned on), title and abstract"
	@$(BIN)/exportwatch eval tests/fixtures/heldout/federal_register*.jsonl
	@echo "== classification, the same documents by their titles alone (as public inspection first shows them)"
	@$(BIN)/exportwatch eval --title-only tests/fixtures/heldout/federal_register*.jsonl
	@echo "== classification, news check set (never trained or tuned on)"
	@$(BIN)/exportwatch eval tests/fixtures/news_check/*.jsonl
	@echo "== classification, second news check set (never trained or tuned on)"
	@$(BIN)/exportwatch eval tests/fixtures/news_check2/*.jsonl
	@echo "== classification, third news check set (never trained or tuned on)"
	@$(BIN)/exportwatch eval tests/fixtures/news_check3/*.jsonl
	@echo "== classification, stories fixture (independently labelled; part of the model's training data)"
	@$(BIN)/exportwatch eval tests/fixtures/stories/events.jsonl
	@echo "== stories, fixture"
	@$(BIN)/exportwatch cluster-eval tests/fixtures/stories/events.jsonl
	@echo "== stories, training extension (tuned on)"
	@$(BIN)/exportwatch cluster-eval tests/fixtures/stories/train_extra.jsonl
	@echo "== stories, check set (precision traps; used to choose mechanisms, not items)"
	@$(BIN)/exportwatch cluster-eval tests/fixtures/stories/dev_check.jsonl
	@echo "== stories, second check set (used to choose mechanisms since the third came)"
	@$(BIN)/exportwatch cluster-eval tests/fixtures/stories/dev_check2.jsonl
	@echo "== stories, third check set (chooses mechanisms since its recall was 0.719)"
	@$(BIN)/exportwatch cluster-eval tests/fixtures/stories/dev_check3.jsonl
	@echo "== stories, fourth check set (unseen news; measured, never tuned on)"
	@$(BIN)/exportwatch cluster-eval tests/fixtures/stories/dev_check4.jsonl
	@echo "== stories, held-out (frozen; never tuned on)"
	@$(BIN)/exportwatch cluster-eval tests/fixtures/heldout/stories.jsonl
	@echo "== screening, pairs built from real Entity List names and aliases"
	@$(BIN)/python -m exportwatch_cli.watchlist_files tests/fixtures/screening/pairs.jsonl

cost: install  ## The monthly AWS bill, modelled from the calls the handlers make on moto (docs/cost.md)
	@$(BIN)/python bench/cost.py 2>/dev/null | grep -v '^{"level'

build: tools  ## sam build (needs Python 3.13 on PATH; taken from pyenv when present)
	PATH="$(PY313):$$PATH" $(TOOLS)/bin/sam build

deploy: build  ## sam deploy --guided
	$(TOOLS)/bin/sam deploy --guided

clean:  ## Remove virtual environments and build output
	rm -rf $(VENV) $(TOOLS) $(LOCKER) .aws-sam .pytest_cache .ruff_cache .mypy_cache .hypothesis
