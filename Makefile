# Two commands on a fresh machine: `make lab` (start teaching) and `make test` (check everything).
# Both create .venv if needed and install requirements.txt pinned by constraints.txt.

PYTHON ?= python3
VENV   := .venv
BIN    := $(VENV)/bin
STAMP  := $(VENV)/.installed
PORT   ?= 8888
# Jupyter configuration of this venv only (tools/jupyterlab/): JupyterLab without the "get notified about
# Jupyter news" pop-up or update checks, and a post-save hook that keeps `git status` clean after a save.
LAB_CONFIG := $(VENV)/share/jupyter/lab/settings/overrides.json $(VENV)/etc/jupyter/jupyter_server_config.py
PRESENT_PORT ?= 8866

.PHONY: setup git-filter lab-config lab test test-fast bench experiments student site present constraints clean

setup: $(STAMP) $(LAB_CONFIG)
	@$(BIN)/python tools/git_filter.py install

# The stamp records what the install was built from (tools/install_record.py: a new venv? which commit, any local
# change?); tests/test_class_setup.py checks a new one from a clean clone instead of installing a second copy.
$(STAMP): requirements.txt constraints.txt pyproject.toml
	@test -x $(BIN)/python || { $(PYTHON) -m venv $(VENV) && touch $(VENV)/.new; }
	$(BIN)/python -m pip install --quiet --upgrade pip
	$(BIN)/python -m pip install --quiet -r requirements.txt -c constraints.txt
	@$(BIN)/python tools/install_record.py $(STAMP)

# Copied only when the content differs (a fresh clone's newer file times rewrite nothing).
lab-config: $(LAB_CONFIG)
$(VENV)/share/jupyter/lab/settings/overrides.json: tools/jupyterlab/overrides.json
	@mkdir -p $(@D) && (cmp -s $< $@ || cp $< $@)
$(VENV)/etc/jupyter/jupyter_server_config.py: tools/jupyterlab/jupyter_server_config.py
	@mkdir -p $(@D) && (cmp -s $< $@ || cp $< $@)

# Notebook outputs never reach git: nbstripout as this clone's clean filter (git config --local),
# skipped with a message outside a git clone. `make setup` runs it; alone: `make git-filter`.
git-filter:
	@$(BIN)/python tools/git_filter.py install

# The file browser starts in notebooks/ and reaches the whole repository (student/ too); as root it
# adds --allow-root. The options live in tools/lab_command.sh, which Binder's binder/start runs too.
lab: setup
	tools/lab_command.sh $(BIN)/jupyter lab --port=$(PORT) $(LAB_ARGS)

# Everything, on one worker more than there are cores (pytest-xdist; tests/conftest.py keeps each notebook's tests on
# one worker and starts the longest work first): a browser test keeps its worker waiting on pages and kernels about a
# third of the time, and the extra worker keeps the cores busy (2 cores: 9.4 min of tests on 3 workers, 10.8 on 2).
# JOBS=1 runs serially. Python caches bytecode and pytest its rewritten test modules (in the ignored __pycache__/) even
# where the environment sets PYTHONDONTWRITEBYTECODE.
CORES   = $(shell $(PYTHON) -c "import os; print(len(os.sched_getaffinity(0)) if hasattr(os, 'sched_getaffinity') else os.cpu_count() or 1)")
JOBS   ?= $(shell echo $$(( $(CORES) + 1 )))
PYTEST := PYTHONDONTWRITEBYTECODE= $(BIN)/python -m pytest
test: setup
	$(PYTEST) -n $(JOBS)

# The package's tests and doctests without notebooks, browser or slow statistics: a quick loop while editing. One
# worker per core (FAST_JOBS): these tests never wait, so an extra worker only adds its start-up.
FAST_JOBS ?= $(CORES)
test-fast: setup
	$(PYTEST) -n $(FAST_JOBS) -m "not slow and not browser" --hypothesis-profile=course-fast

bench: setup
	$(BIN)/python benchmarks/bench_sampling.py
	$(BIN)/python benchmarks/bench_widgets.py
	$(BIN)/python benchmarks/bench_estimators.py
	$(BIN)/python benchmarks/bench_training.py
	$(BIN)/python benchmarks/bench_vae.py

# The heavy runs behind Notebook 6 (every estimator with three seeds, Jang's 20 x 10 latents, the exact bias in an
# enumerable VAE, learned tau and eta), written to gumbel_utils/data/experiments/*.json, which the notebook reads.
# Takes about 20 minutes (19.3 minutes of wall time for the committed files; each file records its own in "meta").
experiments: setup
	$(BIN)/python tools/experiments.py

# Student versions of the notebooks (worked solutions removed) in student/.
student: setup
	$(BIN)/python tools/make_student.py notebooks student

# The offline course site in site/ (open site/index.html): every notebook executed, its figures and math.
site: setup
	$(BIN)/python tools/build_site.py --out site

# The notebooks as apps for a projector (Voila: no code, larger text); opens the notebook list.
present: setup
	$(BIN)/python tools/present.py --port=$(PRESENT_PORT) $(PRESENT_ARGS)

# Re-pin constraints.txt to what is installed now (run after `make test` passes).
constraints:
	$(BIN)/python -m pip freeze --exclude-editable | grep -v '^gumbel.utils' > constraints.txt

# Also removes the git filter, whose command lives in .venv (`make setup` puts it back).
clean:
	-@$(PYTHON) tools/git_filter.py uninstall
	rm -rf $(VENV) student site .pytest_cache .hypothesis
