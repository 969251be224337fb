# The two commands a newcomer needs: `make run` and `make test`.
PY := .venv/bin/python

.PHONY: run test bench setup setup-test clean

setup:
	@packaging/bootstrap.sh run

setup-test:
	@packaging/bootstrap.sh test

run: setup
	@$(PY) -m jlclient

test: setup-test
	@QT_QPA_PLATFORM=offscreen $(PY) -m pytest $(PYTEST_ARGS)

bench: setup-test
	@QT_QPA_PLATFORM=offscreen $(PY) tests/benchmarks/run_all.py

clean:
	rm -rf .venv .pytest_cache
