# exportwatch task runner. `make demo` and `make test` work on a fresh clone: they install first.
PYTHON ?= python3
VENV := .venv
TOOLS := .venv-tools
BIN := $(VENV)/bin
PY313 := $(shell pyenv root 2>/dev/null)/versions/3.13.0/bin
export SAM_CLI_TELEMETRY := 0
export PIP_DISABLE_PIP_VERSION_CHECK := 1

.DEFAULT_GOAL := help
.PHONY: help install dev tools format lint typecheck test unit validate bench demo eval build deploy clean

help:  ## Show the targets
	@grep -E '^[a-z-]+:.*## ' $(MAKEFILE_LIST) | awk -F':.*## ' '{printf "  make %-10s %s\n", $$1, $$2}'

$(VENV)/.installed: pyproject.toml layers/core/requirements.txt
	$(PYTHON) -m venv $(VENV)
	$(BIN)/pip install -q --upgrade pip
	$(BIN)/pip install -q -e '.[dev]'
	touch $@

$(TOOLS)/.installed: requirements-tools.txt
	$(PYTHON) -m venv $(TOOLS)
	$(TOOLS)/bin/pip install -q --upgrade pip
	$(TOOLS)/bin/pip install -q -r requirements-tools.txt
	touch $@

install: $(VENV)/.installed  ## Make .venv with exportwatch (CLI in .venv/bin) and the dev tools
dev: install tools  ## Everything for development: .venv and .venv-tools (SAM CLI, cfn-lint, checkov)
tools: $(TOOLS)/.installed  ## Make .venv-tools with the SAM CLI, cfn-lint (+serverless rules) and checkov

format: install  ## Format the code
	$(BIN)/ruff format .
	$(BIN)/ruff check --fix .

lint: install  ## ruff and mypy
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .
	$(BIN)/mypy

typecheck: lint

test: install tools lint  ## Lint, then every test: unit, integration (moto + loopback HTTP), template checks
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

eval: install  ## Classifier precision/recall/F1 on the labelled corpus
	$(BIN)/exportwatch eval tests/fixtures/corpus/*.jsonl
	$(BIN)/exportwatch cluster-eval tests/fixtures/stories/events.jsonl

build: tools  ## sam build (needs Python 3.13 on PATH; taken from pyenv when present)
	PATH="$(PY313):$$PATH" $(TOOLS)/bin/sam build

deploy: build  ## sam deploy --guided
	$(TOOLS)/bin/sam deploy --guided

clean:  ## Remove virtual environments and build output
	rm -rf $(VENV) $(TOOLS) .aws-sam .pytest_cache .ruff_cache .mypy_cache .hypothesis
