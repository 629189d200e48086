# The two commands: `make run` (serve the API with demo data) and `make test` (the whole suite).
PYTHON ?= python3
VENV := .venv
PY := $(VENV)/bin/python
INSTALLED := $(VENV)/.installed
# Azurite (the Azure Storage emulator) at the version pinned in its lock file, for the photo tests.
AZURITE_DIR := tests/azurite
AZURITE := $(AZURITE_DIR)/node_modules/.package-lock.json
HOST ?= 127.0.0.1
PORT ?= 8000

.PHONY: install azurite run test lint format openapi openapi-check client-check bench clean

$(INSTALLED): pyproject.toml
	$(PYTHON) -m venv $(VENV)
	$(PY) -m pip install --quiet --upgrade pip
	$(PY) -m pip install --quiet -e '.[dev]'
	touch $(INSTALLED)

install: $(INSTALLED) ## create .venv and install the project with its dev tools

$(AZURITE): $(AZURITE_DIR)/package-lock.json
	npm ci --prefix $(AZURITE_DIR) --no-audit --no-fund
	touch $(AZURITE)

azurite: $(AZURITE) ## install the pinned Azurite into tests/azurite/node_modules (npm ci)

run: install ## serve the API on the embedded store with demo data
	@$(PY) -c "import socket, sys; s = socket.socket(); s.bind(('$(HOST)', $(PORT)))" 2>/dev/null \
		|| { echo "make run: $(HOST):$(PORT) is taken; stop what listens there or use PORT=..." >&2; exit 1; }
	@# The documents are in memory and start fresh: so do the photo files of the embedded demo.
	rm -rf var/blobs
	DEMO_DATA=true MONGODB_URL= LOCAL_STORAGE_DIR=var/blobs \
		$(VENV)/bin/uvicorn app.main:app --host $(HOST) --port $(PORT)

test: install $(AZURITE) ## run the whole test suite (pytest exits non-zero when no test ran)
	$(PY) -m pytest

lint: install ## ruff check and format check
	$(VENV)/bin/ruff check .
	$(VENV)/bin/ruff format --check .

format: install
	$(VENV)/bin/ruff check --fix .
	$(VENV)/bin/ruff format .

openapi: install ## regenerate generated/openapi.json and generated/openapi.md
	$(PY) scripts/generate_openapi.py

openapi-check: install ## fail when generated/ is out of date
	$(PY) scripts/generate_openapi.py --check

client-check: install ## generate a client from generated/openapi.json, run the main scenario through it
	$(PY) scripts/client_check.py

bench: install ## run the benchmark (scripts/bench.py) and check its targets
	$(PY) scripts/bench.py

clean:
	rm -rf $(VENV) .pytest_cache .ruff_cache var $(AZURITE_DIR)/node_modules
