# Two commands for a newcomer: `make demo` (runs the connector's whole flow locally) and `make test` (CI).
VENV ?= .venv
BIN := $(CURDIR)/$(VENV)/bin
export PATH := $(BIN):$(PATH)
export SAM_CLI_TELEMETRY := 0
PYTEST_ARGS ?=
# Two workers: CI has 2 cores, and each local stack is its own process tree (moto state is per process).
PYTEST_WORKERS ?= 2

.PHONY: dev demo up openapi format lint typecheck validate scan build unit integration e2e browser pytest test bench clean

$(VENV)/.installed: pyproject.toml layers/common/requirements.txt scripts/bootstrap.sh
	scripts/bootstrap.sh
	touch $@

dev: $(VENV)/.installed

demo: dev
	tts-local demo

up: dev
	tts-local up

format: dev
	ruff format .
	ruff check --fix .

lint: dev
	ruff check .
	ruff format --check .

typecheck: dev
	mypy layers/common devstack cli

validate: dev
	sam validate --lint

# The policy scan a merchant's security review runs (checkov; .checkov.yaml, README "Security review").
# Green only while every finding is fixed or suppressed with its reason; any new finding fails CI.
scan: dev
	$(VENV)/tools/checkov/bin/checkov --config-file .checkov.yaml

build: dev
	sam build --parallel

unit: dev
	pytest tests/unit $(PYTEST_ARGS)

integration: dev
	pytest tests/integration $(PYTEST_ARGS)

# The slow suites CI leaves out (they take longer than CI's 15 minutes on 2 cores together with the rest): the
# demo walked end to end, the whole browser suite and every benchmark's smoke version.
e2e: dev
	pytest tests/e2e tests/browser tests/integration/bench -n $(PYTEST_WORKERS) --dist loadgroup $(PYTEST_ARGS)

# The merchant console in Debian's Chromium (apt-get install chromium); screenshots go to docs/screenshots/.
browser: dev
	pytest tests/browser $(PYTEST_ARGS)

# Every unit and integration test (each capability through the local stack), then a browser smoke: login through
# the hosted-login stand-in and a viewer refused by the server. `make e2e` runs the rest.
pytest: dev
	pytest tests/unit tests/integration --ignore=tests/integration/bench -n $(PYTEST_WORKERS) --dist loadgroup $(PYTEST_ARGS)
	pytest tests/browser -k "hosted_login or viewer_cannot" $(PYTEST_ARGS)

# What CI runs (.ci/run): lint, types, the template and its policy scan, the build, then the tests above (the
# packaging test uses the build).
test: lint typecheck validate scan build pytest

openapi: dev
	python scripts/write_admin_openapi.py

bench: dev
	python -m bench

clean:
	rm -rf .aws-sam .local-stack .pytest_cache .mypy_cache .ruff_cache
