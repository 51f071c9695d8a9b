# The two commands of the README: `make build` and `make test`.
# Each creates the virtual environment and installs what it needs on first use.
PYTHON ?= python3
VENV   ?= .venv
BIN    := $(VENV)/bin
OUT    ?= dist

.PHONY: build test lint validate bench browser-deps clean matrix audit

# --upgrade-deps: pip and setuptools as released, not as the Python install bundled them (make audit checks them too).
$(BIN)/.installed: pyproject.toml
	$(PYTHON) -m venv --upgrade-deps $(VENV)
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

# Style and static checks first: they take seconds and fail fast (mypy: the files listed in pyproject.toml;
# ESLint: every script we ship and the tests' Node scripts, eslint.config.js).
lint: $(BIN)/.installed node_modules/.installed
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .
	$(BIN)/mypy
	node_modules/.bin/eslint --max-warnings 0 .

test: lint $(BIN)/.installed node_modules/.installed browser-deps
	P2P_PYTHON=$(BIN)/python node --test $(NODE_TESTS)
	$(BIN)/pytest
	$(MAKE) matrix

# The scripts' rules and helpers in Node's own test runner (no browser; files named one by one:
# Node 20's --test takes no glob): tests/rules.test.js runs every block's vectors.
NODE_TESTS := tests/rules.test.js tests/grading/grader.test.js tests/problem/problem_helpers.test.js

# The XBlock tests again with the package versions of each Open edX release we support (README,
# "Open edX versions"); .venv runs them with the latest. No browser tests here: those check our
# own scripts, which do not change with the platform's Python packages.
OPENEDX_RELEASES := sumac teak ulmo
XBLOCK_TESTS := tests/journal/test_journal_block.py tests/roleplay/test_roleplay_xblock.py \
	tests/rubric/test_rubric_workbench.py tests/builder/test_builder_olx_xblocks.py tests/openedx \
	tests/test_translations.py

.venv-%/bin/.installed: requirements/openedx/%.txt pyproject.toml
	rm -rf .venv-$*
	$(PYTHON) -m venv --upgrade-deps .venv-$*
	.venv-$*/bin/pip install --quiet --disable-pip-version-check -c requirements/openedx/$*.txt -e '.[builder,test]'
	touch $@

matrix: $(OPENEDX_RELEASES:%=.venv-%/bin/.installed)
	@for release in $(OPENEDX_RELEASES); do \
	  echo "== Open edX $$release:" $$(.venv-$$release/bin/pip freeze --disable-pip-version-check 2>/dev/null \
	    | grep -i -E '^(xblock|web-fragments|lxml|edx-submissions|django)==' | tr '\n' ' '); \
	  .venv-$$release/bin/pytest -q -p no:cacheprovider $(XBLOCK_TESTS) || exit 1; \
	done

# Known vulnerabilities with a fix in the packages installed above (pip-audit, npm audit) fail it;
# an audit whose service cannot be reached says "AUDIT NOT RUN" and does not (.ci/audit.py).
audit: $(BIN)/.installed node_modules/.installed
	$(BIN)/python .ci/audit.py

bench: $(BIN)/.installed node_modules/.installed browser-deps
	$(BIN)/python -m bench

clean:
	rm -rf $(VENV) $(OPENEDX_RELEASES:%=.venv-%) .venv-audit node_modules $(OUT)
