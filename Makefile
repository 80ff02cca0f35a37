# RemoteReasoner for QGIS — the contract targets (see README).
SHELL := /bin/bash
.DEFAULT_GOAL := help
ROOT := $(CURDIR)
ENV_SH := source scripts/envpath.sh
ENGINE_PY = $$($(ENV_SH); echo $$ENGINE_ENV)/bin/python
QGIS_PY = $$($(ENV_SH); echo $$QGIS_ENV)/bin/python
export PYTHONPATH := $(ROOT)$(if $(PYTHONPATH),:$(PYTHONPATH))
export PYTHONDONTWRITEBYTECODE := 1
MODEL ?=
SAM ?= build/tiny-models/sam.pth
QUERY ?= the tree crowns
PROFILE ?= remotereasoner-dev
QGIS_PROFILES := $(HOME)/.local/share/QGIS/QGIS3/profiles
PYTEST_ARGS ?=
MATRIX ?= all

.PHONY: update-ts help setup test test-matrix test-engine test-qgis run demo tiny-models package deploy translations bench cli-docs engine-python qgis-python clean qt6-check

help:
	@echo "make setup         install apt packages + the engine and QGIS venvs (idempotent)"
	@echo "make test          run every test (engine + real QGIS 3.22 headless)"
	@echo "make test-matrix   the QGIS suite on QGIS 3.22 (host), 3.40 (Debian 13 chroot), 3.44 (sid chroot); MATRIX=3.40 (root)"
	@echo "make run           QGIS desktop with the plugin and the sample raster"
	@echo "make demo          first-run demo, no download: the sample's recorded answers + the tiny reasoner live -> build/demo/"
	@echo "                   (MODEL=ID_OR_FOLDER SAM= QUERY=: a live model on the sample -> build/demo/result.gpkg)"
	@echo "make tiny-models   build the offline tiny Qwen2.5-VL and SAM into build/tiny-models/"
	@echo "make package       build/remotereasoner_qgis.zip for QGIS 'Install from ZIP'"
	@echo "make deploy        install the plugin into the QGIS profile PROFILE=$(PROFILE)"
	@echo "make translations  compile i18n/*.ts to .qm"
	@echo "make bench         run the benchmarks, results under benchmarks/"
	@echo "make cli-docs      regenerate docs/guide/cli.md from the CLI's parser (after changing an option)"
	@echo "make qt6-check     QGIS's own PyQt5 -> PyQt6 checker (dry run) over the plugin, tests, benchmarks, scripts"

setup:
	@bash scripts/setup.sh all

engine-python:
	@echo $(ENGINE_PY)

qgis-python:
	@echo $(QGIS_PY)

tiny-models: setup
	@$(ENGINE_PY) -m inference_core.models.tiny --out build/tiny-models

test: setup translations
	@bash scripts/run_tests.sh $(PYTEST_ARGS)

# Not part of `make test`: the first run builds two Debian root file systems and their venvs (see docs/guide/installation.md).
# No `setup`/`translations` prerequisite: each system's run (scripts/qgis_suite.sh) installs what it needs, lrelease
# included, and compiles the translations itself, so a fresh host without `make setup` runs the matrix too.
test-matrix:
	@bash scripts/qgis_matrix.sh $(MATRIX) $(if $(PYTEST_ARGS),-- $(PYTEST_ARGS))

# QGIS's migration checker (scripts/vendor/pyqt5_to_pyqt6); tests/qgis/test_qt6_migration.py runs it in `make test`.
qt6-check: setup
	@mkdir -p build && QT_QPA_PLATFORM=offscreen $(QGIS_PY) scripts/qgis_enum_map.py > build/qgis_enums.json
	@QT_QPA_PLATFORM=offscreen PYTHONPATH= $$($(ENV_SH); echo $$PYQT6_ENV)/bin/python scripts/qt6_migration_check.py \
		--qgis-enums build/qgis_enums.json remotereasoner_qgis tests benchmarks scripts

test-engine: setup
	@$(ENGINE_PY) -m pytest tests/engine $(PYTEST_ARGS)

test-qgis: setup translations
	@QT_QPA_PLATFORM=offscreen $(QGIS_PY) -m pytest tests/qgis $(PYTEST_ARGS)

# Without MODEL: the first-run demo (the sample's recorded answers, then the tiny reasoner live; see docs/guide/first-run.md).
demo: setup
	@if [ "$(SAM)" = build/tiny-models/sam.pth ] && [ ! -f "$(SAM)" ]; then $(ENGINE_PY) -m inference_core.models.tiny --out build/tiny-models; fi
	@mkdir -p build/demo
	@if [ -z "$(MODEL)" ]; then \
	  $(ENGINE_PY) -m inference_core demo --out build/demo --sam "$(SAM)"; \
	else \
	  $(ENGINE_PY) -m inference_core reason resources/sample/OSBS_029.tif --query "$(QUERY)" \
	    --model "$(MODEL)" --sam "$(SAM)" --granularity boxes,masks,contours --out build/demo/result.gpkg; \
	fi

translations:
	@bash scripts/translations.sh

# The CLI reference page is generated from inference_core/cli/main.py's parser; a test checks it is current.
cli-docs:
	@$(ENGINE_PY) -m inference_core.cli.reference

package: translations
	@bash scripts/package.sh build/remotereasoner_qgis.zip

deploy: package
	@bash scripts/deploy.sh build/remotereasoner_qgis.zip "$(QGIS_PROFILES)/$(PROFILE)"

run: setup deploy
	@bash scripts/run_qgis.sh "$(PROFILE)"   # builds the tiny test SAM first if build/ has none

bench: setup
	@bash scripts/bench.sh

clean:
	rm -rf build .pytest_cache

update-ts:
	@bash scripts/update_ts.sh
