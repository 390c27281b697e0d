# jointinspect — two commands for a newcomer: `make run` and `make test`.
VENV   ?= .venv
PYTHON ?= python3
PY     := $(VENV)/bin/python
STAMP  := $(VENV)/.installed
FONTS  := var/fonts/manifest.json

.PHONY: run test lint setup system-deps services clean

run: setup
	$(VENV)/bin/jointinspect up

test: export WITH_BROWSER = 1
test: setup services
	@$(PY) -m pytest $(PYTEST_ARGS); rc=$$?; \
	 if [ $$rc -eq 5 ]; then echo "pytest collected no tests: failing on purpose" >&2; exit 1; fi; exit $$rc

lint: $(STAMP)
	$(VENV)/bin/ruff check .

setup: system-deps $(STAMP) $(FONTS)

system-deps:
	@bash scripts/install-system-deps.sh

$(STAMP): pyproject.toml
	$(PYTHON) -m venv $(VENV)
	$(PY) -m pip install --quiet --upgrade pip
	$(PY) -m pip install --quiet -e '.[test]'
	@touch $(STAMP)

# GB2312 copies of the CJK fonts: ~80 s once, then letters render in about half the time (letters/adapters/fonts.py).
$(FONTS): $(STAMP)
	$(VENV)/bin/jointinspect fonts build

services:
	@bash scripts/start-services.sh

clean:
	rm -rf $(VENV) var .pytest_cache
