# The one way to do each job, the same locally and in CI.
# `make demo` and `make test` work on a fresh machine with nothing installed by hand, and
# install the exact versions pinned in constraints.txt (`make constraints` updates it).

PYTHON ?= python3
VENV   := .venv
BIN    := $(VENV)/bin
STAMP  := $(VENV)/.installed
TSTAMP := $(VENV)/.installed-test
EXAMPLE := examples/why-i-quit-data-science.yaml
CONSTRAINTS := constraints.txt
PIP_INSTALL := $(BIN)/pip install --quiet -c $(CONSTRAINTS)

.PHONY: demo test lint bench mutate clean venv constraints

$(BIN)/python:
	$(PYTHON) -m venv $(VENV)
	$(BIN)/pip install --quiet --upgrade pip

$(STAMP): pyproject.toml $(CONSTRAINTS) | $(BIN)/python
	$(PIP_INSTALL) -e .
	touch $@

$(TSTAMP): pyproject.toml $(CONSTRAINTS) | $(BIN)/python
	$(PIP_INSTALL) -e '.[test,postgres]'
	touch $@ $(STAMP)

venv: $(STAMP)

# Byte-compile the sources first: an editable install does not, and where
# PYTHONDONTWRITEBYTECODE is set every start would compile them again (about 80 ms).
demo: $(STAMP)
	@$(BIN)/python -m compileall -q src > /dev/null
	@echo "The founding case: leave the ML lead track for platform engineering?"
	@echo "Which path leads and why; the last line is the 4-year view (docs/founding-case.md):"
	$(BIN)/crossroads run $(EXAMPLE)
	@echo
	@echo "What must be true for the platform bet to win: the worth of a point-year of"
	@echo "enjoyment or learning above which it takes over (crossroads prices, 10 years):"
	@$(BIN)/crossroads prices $(EXAMPLE) --samples 20000 | head -4
	@echo "(the chances and the offer's multiple at which it wins with a worth in your range:"
	@echo "docs/founding-case.md, 'What must be true')"
	@echo
	@echo "What the option of a leadership career (EM, VP, CTO) adds (crossroads option-value):"
	@$(BIN)/crossroads option-value $(EXAMPLE) --without em,vp,cto --samples 20000
	@echo
	@echo "What to find out next, and from whom (crossroads voi): a worth.* input is yours to"
	@echo "settle; a param is a question for people in the role it is about, in India first:"
	@$(BIN)/crossroads voi $(EXAMPLE) --samples 20000 | sed -n '/^- /,$$p'

# System packages the tests need (chromium for the browser tests, postgresql for the store
# tests) are installed by scripts/test-deps.sh when missing; the PostgreSQL server lives only
# for the run. pytest's exit code 5 (no tests collected) is a failure.
test: $(TSTAMP)
	bash scripts/test-deps.sh
	bash scripts/with-postgres.sh bash scripts/pytest.sh

lint: $(TSTAMP)
	$(BIN)/ruff check src tests benchmarks
	$(BIN)/mypy

bench: $(TSTAMP)
	$(PIP_INSTALL) -e '.[bench]'
	@$(BIN)/python -m compileall -q src > /dev/null
	$(BIN)/python benchmarks/run.py

# Mutation testing (docs/testing.md): mutmut changes the core modules ([tool.mutmut] in
# pyproject.toml) one small edit at a time and runs their tests against each; a mutant the
# tests do not catch is a missing test or an equivalent change. Slow: narrow it with
# MUTANTS, e.g. `make mutate MUTANTS='crossroads.simulate.money*'`. Works in mutants/.
# One module against its own tests, much faster: `make mutate MODULE=verdict` (the modules
# are listed under [tool.crossroads.mutate] in pyproject.toml); it works in .mutate/verdict/.
MUTANTS ?=
MODULE ?=
CHILDREN ?= 2
mutate: $(TSTAMP)
	$(PIP_INSTALL) -e '.[mutate]'
ifeq ($(MODULE),)
	$(BIN)/mutmut run --max-children $(CHILDREN) $(MUTANTS)
	$(BIN)/mutmut results
else
	cd "$$($(BIN)/python scripts/mutate_module.py $(MODULE))" && \
	  $(CURDIR)/$(BIN)/mutmut run --max-children $(CHILDREN) $(MUTANTS) && \
	  $(CURDIR)/$(BIN)/mutmut results
endif

# Upgrade .venv to the newest versions pyproject.toml allows, then pin exactly what is
# installed. Run the tests after it, and commit constraints.txt with the change that needs it.
constraints: | $(BIN)/python
	$(BIN)/pip install --quiet --upgrade -e '.[test,postgres]'
	{ sed -n '1,3p' $(CONSTRAINTS); $(BIN)/pip freeze --exclude-editable; } > $(CONSTRAINTS).new
	mv $(CONSTRAINTS).new $(CONSTRAINTS)
	touch $(STAMP) $(TSTAMP)

clean:
	rm -rf $(VENV) .pytest_cache .mypy_cache .ruff_cache test-artifacts mutants .mutate
