# crosswire: two commands do all set-up on a fresh machine.
#   make demo   creates .venv, installs crosswire, analyses examples/ into demo.duckdb,
#               prints a summary and writes demo-report.html
#   make test   creates .venv with the dev extras and runs the whole test suite
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
DB ?= demo.duckdb
REPORT ?= demo-report.html

.PHONY: demo test install install-dev clean bench-throughput eval-extraction

$(BIN)/python:
	$(PYTHON) -m venv $(VENV)
	$(BIN)/pip install --quiet --upgrade pip

$(VENV)/.installed: $(BIN)/python pyproject.toml
	$(BIN)/pip install --quiet -e .
	touch $@

$(VENV)/.installed-dev: $(BIN)/python pyproject.toml
	$(BIN)/pip install --quiet -e ".[dev]"
	touch $(VENV)/.installed $@

install: $(VENV)/.installed
install-dev: $(VENV)/.installed-dev

demo: install
	rm -f $(DB)
	$(BIN)/crosswire ingest examples/ --db $(DB)
	$(BIN)/crosswire articles --db $(DB)
	$(BIN)/crosswire report --db $(DB) -o $(REPORT)
	@echo "HTML report: $(REPORT)"

test: install-dev
	$(BIN)/python -m pytest $(PYTEST_ARGS)

eval-extraction: install
	$(BIN)/crosswire eval extraction --format trafilatura ../shared/bench/extraction/trafilatura/evaldata.json --html ../shared/bench/extraction/trafilatura/html.tar.gz --json

bench-throughput: install
	$(BIN)/crosswire bench throughput ../shared/bench --json

clean:
	rm -rf $(VENV) demo.duckdb demo-report.html .pytest_cache
