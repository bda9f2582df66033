# Two commands on a fresh machine: `make lab` (start teaching) and `make test` (check everything).
# Both create .venv if needed and install requirements.txt pinned by constraints.txt.

PYTHON ?= python3
VENV   := .venv
BIN    := $(VENV)/bin
STAMP  := $(VENV)/.installed
PORT   ?= 8888
# JupyterLab refuses to run as root unless told to (class hubs and containers often are root).
ROOT_FLAG := $(if $(filter 0,$(shell id -u)),--allow-root,)

.PHONY: setup lab test test-fast bench student constraints clean

setup: $(STAMP)

$(STAMP): requirements.txt constraints.txt pyproject.toml
	@test -x $(BIN)/python || $(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip
	$(BIN)/python -m pip install --quiet -r requirements.txt -c constraints.txt
	@touch $(STAMP)

lab: setup
	$(BIN)/jupyter lab --notebook-dir=notebooks --port=$(PORT) $(ROOT_FLAG)

test: setup
	$(BIN)/python -m pytest

# Package tests only (no notebooks, no browser): a quick loop while editing.
test-fast: setup
	$(BIN)/python -m pytest -m "not slow and not browser" --ignore=tests/test_notebooks.py

bench: setup
	$(BIN)/python benchmarks/bench_sampling.py
	$(BIN)/python benchmarks/bench_widgets.py
	$(BIN)/python benchmarks/bench_estimators.py

# Student versions of the notebooks (worked solutions removed) in student/.
student: setup
	$(BIN)/python tools/make_student.py notebooks student

# Re-pin constraints.txt to what is installed now (run after `make test` passes).
constraints:
	$(BIN)/python -m pip freeze --exclude-editable | grep -v '^gumbel.utils' > constraints.txt

clean:
	rm -rf $(VENV) student .pytest_cache .hypothesis
