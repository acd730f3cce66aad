# Flashpoints developer commands. Needs only Python 3.11+, make and git; everything
# else (the virtualenv, Python packages, Chromium and the npm map assets for the
# browser tests) is installed by the targets that need it.

PYTHON ?= python3
VENV   := .venv
BIN    := $(VENV)/bin
# apt-get needs root; use sudo when we are not root.
SUDO   := $(shell [ "$$(id -u)" = 0 ] || echo sudo)

.PHONY: screenshots map test lint format zones bench bench-classify bench-map bench-dask bench-load bench-tracks install install-test browser-deps notebooks clean

$(BIN)/python:
	$(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip

$(VENV)/.installed-runtime: pyproject.toml | $(BIN)/python
	$(BIN)/pip install --quiet -e .
	touch $@

$(VENV)/.installed-test: pyproject.toml | $(BIN)/python
	$(BIN)/pip install --quiet -e ".[test,dev,build,dask]"
	touch $@ $(VENV)/.installed-runtime

install: $(VENV)/.installed-runtime

install-test: $(VENV)/.installed-test

## make map: draw the bundled incidents over the bundled zones -> maps/northeast-asia.html,
## and the South China Sea incidents -> maps/south-china-sea.html
map: install
	$(BIN)/flashpoints map
	$(BIN)/flashpoints map data/incidents/south-china-sea.csv -o maps/south-china-sea.html

## Debian's chromium for the browser tests, and the npm packages that hold local
## copies of the map's JavaScript/CSS (there is no CDN access on test machines).
browser-deps:
	@command -v chromium >/dev/null 2>&1 || { $(SUDO) apt-get update -q && $(SUDO) apt-get install -y -q chromium; }
	@command -v npm >/dev/null 2>&1 || { $(SUDO) apt-get update -q && $(SUDO) apt-get install -y -q npm; }
	@[ node_modules/.package-lock.json -nt package-lock.json ] || npm ci --no-audit --no-fund --loglevel=error

## make test: install everything the tests need, then run the whole suite.
test: install-test browser-deps
	$(BIN)/python -m pytest

## make lint: ruff and mypy on the Python, ESLint (eslint.config.mjs) on the map's JavaScript.
lint: install-test browser-deps
	$(BIN)/ruff check geo tests benchmarks
	$(BIN)/ruff format --check geo tests benchmarks
	$(BIN)/mypy
	npx --no-install eslint geo/maps/*.js

format: install-test
	$(BIN)/ruff format geo tests
	$(BIN)/ruff check --fix geo tests

## make zones: rebuild data/zones/east-asia.geojson from Natural Earth (about 40 s).
zones: install-test
	$(BIN)/flashpoints zones build -o data/zones/east-asia.geojson

## make bench: every benchmark (bench-classify, bench-map, bench-dask, bench-load, bench-tracks).
bench: bench-classify bench-map bench-dask bench-load bench-tracks

## make bench-classify: zone-only and full classify vs sjoin(predicate="within"), sjoin_nearest and DuckDB spatial; writes benchmarks/last-run.json (compare two runs: python -m benchmarks.compare OLD NEW).
bench-classify: install-test
	$(BIN)/pip install --quiet -e ".[bench]"
	$(BIN)/python -m benchmarks.classify_bench --json benchmarks/last-run.json

## make bench-map: map HTML size, first render and a timeline step in Chromium, 1,000 to 1,000,000 incidents, flashpoints vs plain folium and folium FastMarkerCluster (about 20 minutes).
bench-map: install-test browser-deps
	$(BIN)/python -m benchmarks.map_bench --json benchmarks/last-map-run.json

## make screenshots: retake the README's map screenshots (docs/*.png) in headless Chromium.
screenshots: install-test browser-deps
	$(BIN)/python docs/screenshots.py

## make vendor: copy the map assets and their licences from node_modules into geo/maps/vendor
## (shipped in the wheel for offline maps; see geo/maps/vendor/README.md).
.PHONY: vendor
vendor: install
	@[ node_modules/.package-lock.json -nt package-lock.json ] || npm ci --no-audit --no-fund --loglevel=error
	$(BIN)/python -m geo.maps.vendor.rebuild

## make notebooks: open the notebooks in JupyterLab (the tests execute them on a fresh kernel).
notebooks: install-test
	$(BIN)/pip install --quiet -e ".[notebook]"
	$(BIN)/jupyter lab notebooks/

## make bench-load: load a 1,000,000-row incident CSV, flashpoints vs a bare pandas loader, time and peak memory (about 1 minute).
bench-load: install-test
	$(BIN)/python -m benchmarks.load_bench --json benchmarks/last-load-run.json

## make bench-tracks: zone visits of 1,000,000 positions (Senkaku patrols; courses across the seas), geo.zone_visits vs sjoin(predicate="within") and run-length grouping; writes benchmarks/last-tracks-run.json (more: python -m benchmarks.visits_bench --positions 1000000 10000000).
bench-tracks: install-test
	$(BIN)/python -m benchmarks.visits_bench --json benchmarks/last-tracks-run.json

## make bench-dask: 10M GeoParquet points, in memory vs a local Dask cluster (about 5 minutes).
bench-dask: install-test
	$(BIN)/python -m benchmarks.dask_bench --json benchmarks/last-dask-run.json

clean:
	rm -rf $(VENV) node_modules .pytest_cache .ruff_cache .mypy_cache maps/*.html
