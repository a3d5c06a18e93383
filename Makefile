# The two commands of the README: `make demo` and `make test`. Both set up .venv first.
PY ?= python3
VENV := .venv
BIN := $(VENV)/bin

.PHONY: demo test setup bench clean

$(BIN)/shelfcheck: pyproject.toml
	$(PY) -m venv $(VENV)
	$(BIN)/pip install -q --upgrade pip
	$(BIN)/pip install -q -e '.[test]'
	@touch $@

setup: $(BIN)/shelfcheck

demo: setup
	$(BIN)/shelfcheck review examples/catalog.jsonl -o out/decisions.jsonl

test: setup
	$(BIN)/python -m pytest -q

bench: setup
	$(BIN)/python bench/bench_text.py
	$(BIN)/python bench/bench_photos.py

clean:
	rm -rf $(VENV) out .pytest_cache
