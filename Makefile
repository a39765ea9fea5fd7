# Parvis — the few targets people need. `make demo` and `make test` work on a fresh machine
# with Python 3.11 and make; everything else they need is installed from here.
PYTHON ?= $(shell command -v python3.11 || command -v python3)
VENV := .venv
BIN := $(VENV)/bin
PIP := $(BIN)/pip install --disable-pip-version-check -q -c constraints.txt

.PHONY: install install-test demo test test-fast lint format bench lock messages clean

install: $(VENV)/.installed

$(VENV)/.installed: pyproject.toml constraints.txt
	test -x $(BIN)/python || $(PYTHON) -m venv $(VENV)
	$(PIP) -e .
	touch $@

install-test: $(VENV)/.installed-test

$(VENV)/.installed-test: $(VENV)/.installed
	$(PIP) -e ".[test]"
	sh scripts/ensure-system-packages
	touch $@

## Serve the Nantes demo portal on http://127.0.0.1:8000 (SQLite in var/).
demo: install
	$(BIN)/parvis demo

## Run the whole test suite (SQLite by default; set DATABASE_URL for PostgreSQL).
test: install-test
	sh scripts/ensure-system-packages
	PARVIS_LOG_LEVEL=$${PARVIS_LOG_LEVEL:-WARNING} $(BIN)/pytest

lint: install-test
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .
	$(BIN)/lint-imports --no-cache
	$(BIN)/parvis makemigrations --check --dry-run
	@for po in $$(find parvis -name django.po -path '*/en/*'); do \
	  msgfmt --check -o /dev/null $$po || exit 1; \
	  left=$$(msgattrib --untranslated --no-obsolete $$po | grep -c '^msgid' || true); \
	  fuzzy=$$(msgattrib --only-fuzzy --no-obsolete $$po | grep -c '^msgid' || true); \
	  if [ "$$left" -gt 1 ] || [ "$$fuzzy" -gt 0 ]; then \
	    echo "$$po: $$left untranslated, $$fuzzy fuzzy English strings"; exit 1; fi; \
	done

format: install-test
	$(BIN)/ruff check --fix .
	$(BIN)/ruff format .

bench: install-test
	$(BIN)/python bench/pages

## Recompile the English translations after editing parvis/locale/*/django.po.
messages: install-test
	cd parvis && ../$(BIN)/parvis makemessages -l en --no-obsolete
	cd parvis && ../$(BIN)/parvis compilemessages

## Refresh the pinned versions after changing dependencies in pyproject.toml.
lock:
	rm -rf /tmp/parvis-lock && $(PYTHON) -m venv /tmp/parvis-lock
	/tmp/parvis-lock/bin/pip install -q -e ".[test]"
	/tmp/parvis-lock/bin/pip freeze --exclude-editable | grep -v '^-e' > constraints.txt

clean:
	rm -rf $(VENV) var/test.sqlite3*
