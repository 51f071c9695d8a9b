# The two commands of the README: `make build` and `make test`.
# Each creates the virtual environment and installs what it needs on first use.
PYTHON ?= python3
VENV   ?= .venv
BIN    := $(VENV)/bin
OUT    ?= dist

.PHONY: build test lint validate bench browser-deps clean

$(BIN)/.installed: pyproject.toml
	$(PYTHON) -m venv $(VENV)
	$(BIN)/pip install --quiet --disable-pip-version-check -e '.[builder,test]'
	touch $@

node_modules/.installed: package.json package-lock.json
	npm ci --no-audit --no-fund --loglevel=error
	touch $@

# Debian's chromium drives the browser tests; Playwright never downloads a browser.
browser-deps:
	@command -v $${P2P_CHROMIUM:-chromium} >/dev/null 2>&1 || { \
	  echo "Installing Debian's chromium for the browser tests"; \
	  if [ "$$(id -u)" = 0 ]; then SUDO=; else SUDO=sudo; fi; \
	  $$SUDO apt-get update -qq && DEBIAN_FRONTEND=noninteractive $$SUDO apt-get install -y -qq chromium; }

build: $(BIN)/.installed
	$(BIN)/p2p build --out $(OUT)

validate: $(BIN)/.installed
	$(BIN)/p2p validate

# Style and static checks first: they take seconds and fail fast (mypy: the files listed in pyproject.toml).
lint: $(BIN)/.installed
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .
	$(BIN)/mypy

test: lint $(BIN)/.installed node_modules/.installed browser-deps
	$(BIN)/pytest

bench: $(BIN)/.installed node_modules/.installed browser-deps
	$(BIN)/python -m bench

clean:
	rm -rf $(VENV) node_modules $(OUT)
