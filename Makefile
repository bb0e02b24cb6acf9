# hallway: `make demo` serves the generated demo conference; `make test` runs the whole suite.
PYTHON ?= python3.11
VENV := .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed

.PHONY: install demo test test-postgres lint bench-solver bench-interop bench-web bench-cfp wrk browser clean

$(STAMP): pyproject.toml
	@command -v $(PYTHON) >/dev/null 2>&1 || { echo "$(PYTHON) not found: hallway needs Python 3.11"; exit 1; }
	$(PYTHON) -m venv $(VENV)
	$(BIN)/pip install --quiet --upgrade pip
	$(BIN)/pip install --quiet -e '.[test]'
	touch $(STAMP)

install: $(STAMP)

# Real-client tests drive Debian's Chromium (Playwright's own download does not work offline)
# and ConfClerk, a schedule.xml reader, under Xvfb.  Only `make test` installs them: the demo
# does not need them.
TEST_PACKAGES := chromium confclerk xvfb xauth xdotool
browser:
	@missing=""; for p in $(TEST_PACKAGES); do dpkg -s $$p >/dev/null 2>&1 || missing="$$missing $$p"; done; \
	if [ -n "$$missing" ]; then \
		if [ "$$(id -u)" = 0 ] && command -v apt-get >/dev/null; then \
			echo "Installing Debian packages for the real-client tests:$$missing"; \
			apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq $$missing >/dev/null; \
		else \
			echo "note: missing$$missing; tests that need them will be skipped (sudo apt-get install$$missing)"; \
		fi; \
	fi

# `hallway serve` collects the static files itself, with the settings it serves with.
demo: install
	$(BIN)/hallway migrate --no-input -v0
	$(BIN)/hallway load-demo
	HALLWAY_DEBUG=0 $(BIN)/hallway serve

test: install browser
	$(BIN)/python -m pytest

test-postgres: install browser
	DATABASE_URL=$${DATABASE_URL:-postgres://postgres@127.0.0.1:5432/hallway} $(BIN)/python -m pytest

lint: install
	$(BIN)/ruff check src tests benchmarks scripts
	$(BIN)/ruff format --check src tests benchmarks scripts

bench-solver: install
	$(BIN)/python benchmarks/solver.py

bench-interop: install
	$(BIN)/python benchmarks/interop.py

# The web benchmark drives gunicorn with wrk (Debian's package), installed here when root.
wrk:
	@command -v wrk >/dev/null 2>&1 || { \
		if [ "$$(id -u)" = 0 ] && command -v apt-get >/dev/null; then \
			echo "Installing wrk for the web benchmark"; \
			apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq wrk >/dev/null; \
		else \
			echo "wrk is missing: sudo apt-get install wrk"; exit 1; \
		fi; \
	}

# Both databases (PostgreSQL at 127.0.0.1:5432, user postgres) against the previous commit;
# BENCH_WEB_ARGS='--db sqlite --duration 5' for a shorter run.
bench-web: install wrk
	$(BIN)/python benchmarks/web.py --markdown $(BENCH_WEB_ARGS)

bench-cfp: install
	$(BIN)/python benchmarks/cfp.py

clean:
	rm -rf $(VENV) var .pytest_cache
