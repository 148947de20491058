# Hémicycle — the two commands: `make demo` and `make test`. See README.md.
SHELL := /bin/bash
VENV ?= .venv
BIN := $(VENV)/bin
export HEMICYCLE_DATA ?= $(CURDIR)/var

.PHONY: install demo test test-sqlite test-postgres test-browser bench clean

$(BIN)/.installed: pyproject.toml
	@python=$$(sh scripts/find-python.sh) && echo "Python : $$python" && "$$python" -m venv $(VENV)
	$(BIN)/pip install --quiet --upgrade pip
	$(BIN)/pip install --quiet -e ".[test]"
	@touch $@

install: $(BIN)/.installed

demo: install
	@bash scripts/demo.sh

test: install
	@bash scripts/test.sh all

test-sqlite: install
	@bash scripts/test.sh sqlite

test-postgres: install
	@bash scripts/test.sh postgres

test-browser: install
	@bash scripts/test.sh browser

bench: install
	@bash scripts/bench.sh

clean:
	rm -rf $(VENV) var test-artifacts bench/out
