# The two commands a new user needs: `make run` and `make test`. Everything else here is the
# bootstrap they share: a virtual environment, the pinned Python and npm packages, the compiled
# stylesheet and the database.

PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
PY := $(BIN)/python
HOST ?= 127.0.0.1
PORT ?= 8000

.PHONY: run test lint bootstrap assets migrate clean

# The links in e-mails (invitations, the update round) name the address the demo serves on.
run: bootstrap migrate
	$(PY) manage.py seed_demo --site-url http://$(HOST):$(PORT)/
	@echo ""
	@echo "Serving on http://$(HOST):$(PORT)/ (Ctrl+C to stop)"
	SITE_URL=$${SITE_URL:-http://$(HOST):$(PORT)} $(PY) manage.py runserver $(HOST):$(PORT)

# One worker per CPU (pytest-xdist), each with its own test database: see tests/conftest.py.
test: bootstrap
	$(BIN)/pytest -n auto

lint: $(VENV)/.installed
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .

bootstrap: $(VENV)/.installed assets

assets: static/build/application.css

migrate: bootstrap
	$(PY) manage.py migrate --no-input

# Python 3.11 or newer is the one prerequisite checked here; the venv is rebuilt when the pins
# in pyproject.toml change.
$(VENV)/.installed: pyproject.toml
	@$(PYTHON) -c 'import sys; sys.exit(0 if sys.version_info >= (3, 11) else "Python 3.11 or newer is needed (found " + sys.version.split()[0] + "); set PYTHON=python3.11 or similar.")'
	test -x $(PY) || $(PYTHON) -m venv $(VENV)
	$(PY) -m pip install --quiet --upgrade pip
	$(PY) -m pip install --quiet -e '.[dev]'
	touch $@

node_modules/.installed: package.json package-lock.json
	npm ci --no-audit --no-fund
	touch $@

static/build/application.css: node_modules/.installed $(wildcard static/scss/*.scss)
	npm run --silent build:css

clean:
	rm -rf $(VENV) node_modules static/build staticfiles
