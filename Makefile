# Two commands matter (see README): `make demo` and `make test`. Both install into .venv first.
VENV ?= .venv
PY := $(VENV)/bin/python
STAMP := $(VENV)/.installed

.PHONY: install demo test check docs bench eval clean

$(STAMP): pyproject.toml
	test -x $(PY) || python3 -m venv $(VENV)
	$(PY) -m pip install -q --upgrade pip
	# The CPU build of torch first, so nothing pulls a multi-GB CUDA build.
	$(PY) -m pip install -q torch==2.13.0
	$(PY) -m pip install -q -e '.[dev]'
	touch $(STAMP)

install: $(STAMP)

demo: install
	$(VENV)/bin/pvd ingest
	$(VENV)/bin/pvd ask "Quelles aides pour rénover les vitrines des commerces ?"

test: install
	$(VENV)/bin/pytest

# The quick loop while working (under a minute): everything but the tests marked slow.
check: install
	$(VENV)/bin/pytest -m "not slow" -q -x

eval: install
	$(VENV)/bin/pvd eval examples/demo/questions.jsonl

# The README's usage block, from the commands themselves (a test fails when it drifts).
docs: install
	$(PY) -m bot.usage README.md

bench: install
	$(PY) -m bench

clean:
	rm -rf $(VENV) .pytest_cache
