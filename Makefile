# `make run` opens the reader, `make test` runs the suite; each installs into .venv first
# only when pyproject.toml changed since the last install (the stamp files say when).
VENV ?= .venv
PYTHON ?= python3

.PHONY: run test lint fast clean

$(VENV)/.installed-run: pyproject.toml
	$(PYTHON) -m venv $(VENV)
	$(VENV)/bin/pip install -q -e .
	touch $@

$(VENV)/.installed-test: pyproject.toml
	$(PYTHON) -m venv $(VENV)
	$(VENV)/bin/pip install -q -e '.[test]'
	touch $@ $(VENV)/.installed-run

run: $(VENV)/.installed-run
	$(VENV)/bin/reviews

test: $(VENV)/.installed-test
	$(VENV)/bin/python -m pytest -n auto

fast: $(VENV)/.installed-test
	$(VENV)/bin/python -m pytest -n auto -m "not slow"

lint: $(VENV)/.installed-test
	$(VENV)/bin/ruff check . && $(VENV)/bin/ruff format --check . && $(VENV)/bin/mypy --strict tui

clean:
	rm -rf $(VENV) dist build
