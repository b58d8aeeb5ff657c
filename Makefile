# Two commands: `make run` (demo app) and `make test` (the whole suite). Both set everything up.
PYTHON ?= python3
VENV := .venv
PY := $(VENV)/bin/python
DEMO := data/demo.duckdb
DEMO_SIZE ?= demo
PORT ?= 8501

.PHONY: run test setup system-deps demo lint bench clean

$(VENV)/.installed: requirements.txt
	$(PYTHON) -m venv $(VENV)
	$(PY) -m pip install --quiet --upgrade pip
	$(PY) -m pip install --quiet -r requirements.txt
	touch $@

setup: $(VENV)/.installed

system-deps:
	@bash scripts/system-deps.sh

$(DEMO): | setup
	$(PY) -m analytics generate --target $(DEMO) --size $(DEMO_SIZE)

demo: $(DEMO)

run: setup system-deps demo
	$(VENV)/bin/streamlit run Home.py --server.port $(PORT) --server.headless true

test: setup system-deps
	$(PY) -m ruff check .
	$(PY) -m pytest -q

bench: setup
	$(PY) bench/sync.py
	$(PY) bench/metrics.py

clean:
	rm -rf $(VENV) data/*.duckdb data/*.json data/*.parquet data/*.prepared data/cache
