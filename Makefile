# Two commands do everything: `make run` builds the warehouse, `make test` runs every check.
SHELL := /bin/bash
.DEFAULT_GOAL := help

PYTHON_BOOT ?= python3
VENV        := .venv
BIN         := $(VENV)/bin
UV_VERSION  := 0.13.9

RAW_DATA_DIR ?= data/raw
DUCKDB_PATH  ?= data/warehouse.duckdb
# What BI tools and analysts read: a copy of the marts, swapped in atomically after a good build.
PUBLISHED_PATH ?= data/published/warehouse.duckdb
# The evaluation report, written from the published marts.
REPORT_PATH ?= data/report/evaluation.html
# The dashboard's port on 127.0.0.1.
DASHBOARD_PORT ?= 8501
# The published marts as Parquet files (make export-parquet), for tools that read Parquet.
PARQUET_DIR ?= data/published/parquet
WORLD_SCALE  ?= 0.1
WORLD_SEED   ?= 42
WORLD_FORMAT ?= csv

TEST_RAW_DIR  := data/test/raw
TEST_DB       := data/test/warehouse.duckdb
TEST_PUBLISHED := data/test/published/warehouse.duckdb
TEST_REPORT   := data/test/report/evaluation.html
TEST_SCALE    ?= 0.02
# pytest's worker processes (pytest-xdist), one test file per worker at a time: a file's fixtures
# (its worlds and builds) are made once. 2 on the 2-core CI machine, where one dbt build uses ~1 core.
PYTEST_WORKERS ?= 2
# The rejection table: K null worlds of this scale (a rerun reuses the worlds already in its journal).
K               ?= 200
REJECTION_SCALE ?= 0.05
# The benchmark: world scales (6 = national, every region: tens of minutes), dbt --vars if any.
BENCH_SCALES ?= 0.1,1.0,6
BENCH_OUT    ?= data/bench/bench.json
BENCH_VARS   ?=

# Paths reach the recipes through the environment, quoted there as "$$VAR": any character works
# (spaces, quotes, brackets, non-ASCII), none is re-read by the shell.
export RAW_DATA_DIR DUCKDB_PATH PUBLISHED_PATH REPORT_PATH PARQUET_DIR
export DBT_PROFILES_DIR := $(CURDIR)
export DBT_PROJECT_DIR  := $(CURDIR)
export DBT_SEND_ANONYMOUS_USAGE_STATS := false
export STREAMLIT_BROWSER_GATHER_USAGE_STATS := false

DBT := $(BIN)/dbt

.PHONY: help install run world build publish quality report docs summary call-list rejection-table score-validation contract world-ceilings world-results bench test test-world test-build \
	test-quality lint pytest clean semantic test-semantic dashboard chromium export-parquet test-postgres test-spark evaluate

help: ## List the targets
	@grep -E '^[a-z-]+:.*## ' $(MAKEFILE_LIST) | awk -F':.*## ' '{printf "  make %-12s %s\n", $$1, $$2}'

$(VENV)/.installed: pyproject.toml uv.lock
	test -x $(BIN)/python || $(PYTHON_BOOT) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet "uv==$(UV_VERSION)"
	$(BIN)/uv sync --frozen --quiet
	touch $@

install: $(VENV)/.installed ## Create .venv from the lock (uv.lock)

run: install world build publish quality report summary ## Build the warehouse from RAW_DATA_DIR (generates a default world if it is empty)

world: install ## Generate the default synthetic world into RAW_DATA_DIR unless it already holds files
	@if [ -n "$$(ls -A "$$RAW_DATA_DIR" 2>/dev/null)" ]; then \
		echo "Using the raw files already in $$RAW_DATA_DIR"; \
	else \
		$(BIN)/python -m smallfirms.generate --scale $(WORLD_SCALE) --seed $(WORLD_SEED) \
			--format $(WORLD_FORMAT) --out "$$RAW_DATA_DIR"; \
	fi

build: install ## Pre-flight check of the raw files, then dbt build (seeds, models, tests); a receipt if clean
	$(BIN)/python -m smallfirms.build --progress --die-with-parent

publish: install ## Publish the marts of a successful build to PUBLISHED_PATH, the file BI reads (atomic swap)
	$(BIN)/python -m smallfirms.publish --database "$$DUCKDB_PATH" --out "$$PUBLISHED_PATH" \
		--run-results target/run_results.json

export-parquet: install ## Publish as make publish does, plus one Parquet file per mart in PARQUET_DIR/marts/
	$(BIN)/python -m smallfirms.publish --database "$$DUCKDB_PATH" --out "$$PUBLISHED_PATH" \
		--run-results target/run_results.json --parquet-dir "$$PARQUET_DIR"

quality: install ## great-expectations: raw contract suites (reported) and marts invariants (fail); Data Docs in data/quality
	$(BIN)/python -m smallfirms.quality --raw-dir "$$RAW_DATA_DIR" --database "$$DUCKDB_PATH" \
		--docs-dir data/quality

report: install ## Write the evaluation report (self-contained HTML) from the published marts to REPORT_PATH
	$(BIN)/python -m smallfirms.report --database "$$PUBLISHED_PATH" --out "$$REPORT_PATH"

docs: install ## Docs site (needs a built warehouse): target/static_index.html, one self-contained page
	RAW_DATA_DIR="$$(realpath -m -- "$$RAW_DATA_DIR")" $(DBT) docs generate --static

# mf reads target/semantic_manifest.json: a fresh parse first, so it validates the YAML as it is now.
semantic: install ## Validate the semantic layer (mf validate-configs, MetricFlow) against the built warehouse
	RAW_DATA_DIR="$$(realpath -m -- "$$RAW_DATA_DIR")" $(DBT) parse --quiet
	RAW_DATA_DIR="$$(realpath -m -- "$$RAW_DATA_DIR")" $(BIN)/mf validate-configs

summary: install ## Print the row counts of the main tables and where the warehouse is
	@$(BIN)/python -m smallfirms.summary --database "$$DUCKDB_PATH" --published "$$PUBLISHED_PATH" \
		--raw-dir "$$RAW_DATA_DIR"

dashboard: install ## Serve the dashboard over PUBLISHED_PATH on http://127.0.0.1:8501 (DASHBOARD_PORT=…)
	$(BIN)/python -m smallfirms.dashboard --database "$$PUBLISHED_PATH" --port $(DASHBOARD_PORT)

call-list: install ## Export a call list: make call-list AGENCY=54011 (all agencies without AGENCY)
	$(BIN)/python -m smallfirms.call_list --database "$$PUBLISHED_PATH" \
		--out 'data/call_lists/$(if $(AGENCY),$(AGENCY),all_agencies).csv' $(if $(AGENCY),--agency $(AGENCY))

rejection-table: install ## Rejection rates of CRV1, wild bootstrap and RI on K null worlds, into docs/results (about 25 min for K=200)
	$(BIN)/python -m smallfirms.rejection --worlds $(K) --scale $(REJECTION_SCALE) \
		--work data/rejection/work --out docs/results/rejection.json

contract: install ## Regenerate the quarantine's contract macro after editing a sources YAML (the contract)
	$(BIN)/python -m smallfirms.contract --write

# make score-validation SEEDS=5: the first SEEDS of these worlds at scale 0.1, each built up to the
# score validation, with a paired bootstrap over them (minutes); without SEEDS, the published marts.
SCORE_VALIDATION_SEEDS := 42,7,11,1,2,3,4,5,6,8
SCORE_VALIDATION_RUN = --seeds "$$(echo $(SCORE_VALIDATION_SEEDS) | cut -d, -f1-$(SEEDS))" \
	--scale 0.1 --work data/score_validation --out docs/results/score_validation.json
score-validation: install ## Print how the rankings find pilot-period hires (SEEDS=5: over 5 worlds, to docs/results/)
	@$(BIN)/python -m smallfirms.score_validation \
		$(if $(SEEDS),$(SCORE_VALIDATION_RUN),--database "$$PUBLISHED_PATH")

world-ceilings: install ## Top-10 % capture of the oracle and best-cell rankings vs the project's (needs _truth)
	@$(BIN)/python -m smallfirms.world.ceilings --database "$$DUCKDB_PATH" --raw-dir "$$RAW_DATA_DIR"

# World v2 over several seeds (generation, dbt run to the score validation, ceilings): minutes.
WORLD_SEEDS ?= 42,7,11,1,2
world-results: install ## Generation speed at scale 1.0, then calibration, signals and ceilings of WORLD_SEEDS (docs/results/)
	$(BIN)/python -m smallfirms.world.results --seeds '' --speed-scale 1.0 \
		--work data/world_results --out docs/results/world_speed.json
	$(BIN)/python -m smallfirms.world.results --seeds '$(WORLD_SEEDS)' --scale $(WORLD_SCALE) \
		--speed-scale 0 --work data/world_results --out docs/results/world_v2.json

bench: install ## Benchmark worlds at BENCH_SCALES: build time, memory, incremental run, overhead vs targets
	$(BIN)/python -m smallfirms.bench --scales '$(BENCH_SCALES)' --out '$(BENCH_OUT)' \
		--work data/bench/work $(if $(BENCH_VARS),--dbt-vars '$(BENCH_VARS)')

test: install chromium test-world test-build test-semantic test-quality pytest lint ## Everything: small world, dbt build with all tests, mf validate-configs, pytest (browser test included), sqlfluff, ruff

chromium: ## Install Debian's chromium for the browser test if it is missing (needs root; else it skips)
	@scripts/ensure-chromium.sh

test-world: install ## (Re)generate the small test world (deterministic, under a second)
	$(BIN)/python -m smallfirms.generate --scale $(TEST_SCALE) --seed $(WORLD_SEED) --out '$(TEST_RAW_DIR)'

test-spark: install test-world ## Models and data tests on Spark (local session) on the small world, marts compared with DuckDB
	TEST_RAW_DIR='$(TEST_RAW_DIR)' scripts/test-spark.sh

test-build: install
	$(MAKE) --no-print-directory build RAW_DATA_DIR='$(TEST_RAW_DIR)' DUCKDB_PATH='$(TEST_DB)'
	$(MAKE) --no-print-directory publish DUCKDB_PATH='$(TEST_DB)' PUBLISHED_PATH='$(TEST_PUBLISHED)'
	$(MAKE) --no-print-directory report PUBLISHED_PATH='$(TEST_PUBLISHED)' REPORT_PATH='$(TEST_REPORT)'

test-semantic: install
	$(MAKE) --no-print-directory semantic RAW_DATA_DIR='$(TEST_RAW_DIR)' DUCKDB_PATH='$(abspath $(TEST_DB))'

test-quality: install
	$(BIN)/python -m smallfirms.quality --raw-dir '$(TEST_RAW_DIR)' --database '$(TEST_DB)' \
		--docs-dir data/test/quality --strict-raw

pytest: install
	RAW_DATA_DIR='$(abspath $(TEST_RAW_DIR))' DUCKDB_PATH='$(abspath $(TEST_DB))' \
		PUBLISHED_PATH='$(abspath $(TEST_PUBLISHED))' $(BIN)/python -m pytest \
		$(if $(filter-out 0 1,$(PYTEST_WORKERS)),-n $(PYTEST_WORKERS) --dist loadfile)

test-postgres: install ## The build and its tests on a throw-away PostgreSQL server (root; installs Debian's postgresql if missing)
	TEST_SCALE='$(TEST_SCALE)' WORLD_SEED='$(WORLD_SEED)' scripts/test-postgres.sh

# dbt Labs' dbt-project-evaluator on a throw-away copy of the project: not part of make test, because
# it needs the two packages, which are never committed and which CI cannot download.
evaluate: install ## dbt-project-evaluator, one line per rule (needs local copies of the two packages: EVALUATOR_DIR=… DBT_UTILS_DIR=…)
	EVALUATOR_DIR='$(EVALUATOR_DIR)' DBT_UTILS_DIR='$(DBT_UTILS_DIR)' scripts/evaluate-project.sh $(EVALUATE_OPTIONS)

# dbt-score reads the manifest of a fresh parse; its thresholds are in pyproject.toml [tool.dbt-score].
# It prints the items under the item threshold only (`--show failing-rules`, its default, lists every
# warning; the option is set here because the command line's default overrides the file's).
lint: install ## sqlfluff (dbt templater, DuckDB dialect), ruff, and dbt-score (project score 9.5 or more)
	RAW_DATA_DIR='$(abspath $(TEST_RAW_DIR))' DUCKDB_PATH='$(abspath $(TEST_DB))' $(DBT) parse --quiet
	RAW_DATA_DIR='$(abspath $(TEST_RAW_DIR))' DUCKDB_PATH='$(abspath $(TEST_DB))' $(BIN)/sqlfluff lint --processes 0 models macros tests analyses
	$(BIN)/dbt-score lint -m target/manifest.json --show failing-items
	$(BIN)/ruff check src tests models
	$(BIN)/ruff format --check src tests models

clean: ## Remove dbt outputs and the generated test world (keeps .venv and data/raw)
	rm -rf target logs data/test
