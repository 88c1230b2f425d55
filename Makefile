# Two commands for a newcomer: `make demo` (runs the connector's whole flow locally) and `make test` (CI).
VENV ?= .venv
BIN := $(CURDIR)/$(VENV)/bin
export PATH := $(BIN):$(PATH)
export SAM_CLI_TELEMETRY := 0
PYTEST_ARGS ?=
# Two workers: CI has 2 cores, and each local stack is its own process tree (moto state is per process).
PYTEST_WORKERS ?= 2
# `--dist loadfile`: a module's scenarios share its local stack and build on each other, so each file stays on
# one worker, in order. (`loadgroup` no longer groups under pytest 9.2: pytest-dev/pytest-xdist#1386.)

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

# Each capability's whole suite through the local stack (CI runs one end-to-end scenario of each, below).
CAPABILITY_SUITES := tests/integration/product_push tests/integration/price_stock_sync tests/integration/order_import \
	tests/integration/refunds
# One scenario per capability, end to end through the local stack: what `make test` (CI) runs of each.
CAPABILITY_SMOKE := \
	tests/integration/product_push/test_product_push.py::test_simple_and_configurable_products_are_built_from_magento \
	tests/integration/price_stock_sync/test_automatic_sync.py::test_a_price_and_a_stock_change_in_magento_reach_tiktok \
	tests/integration/order_import/test_order_import_stack.py::test_seller_shipping_order_end_to_end \
	tests/integration/refunds/test_refunds_stack.py::test_cancellation_after_invoice_refunds_everything_with_shipping_and_closes_the_order

# The slow suites CI leaves out (with them CI takes over 20 minutes on 2 cores, past its 15): every capability's
# whole suite, the whole browser suite and every benchmark's smoke version (and the demo again).
e2e: dev
	pytest $(CAPABILITY_SUITES) tests/e2e tests/browser tests/integration/bench -n $(PYTEST_WORKERS) --dist loadfile $(PYTEST_ARGS)

# The merchant console in Debian's Chromium (apt-get install chromium); screenshots go to docs/screenshots/.
browser: dev
	pytest tests/browser $(PYTEST_ARGS)

# Every unit test, the integration tests of the platform (connect, pipeline, IAM, sandboxes, local stack, Magento
# events, packaging), one end-to-end scenario per capability and the demo walked end to end, then a browser smoke:
# login through the hosted-login stand-in and a viewer refused by the server. `make e2e` runs the rest.
pytest: dev
	pytest tests/unit tests/integration --ignore=tests/integration/bench \
		$(foreach suite,$(CAPABILITY_SUITES),--ignore=$(suite)) -n $(PYTEST_WORKERS) --dist loadfile $(PYTEST_ARGS)
	pytest $(CAPABILITY_SMOKE) tests/e2e -n $(PYTEST_WORKERS) $(PYTEST_ARGS)
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
