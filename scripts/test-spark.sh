#!/usr/bin/env bash
# make test-spark: the same models, seeds and data tests on Spark (a local pyspark session inside dbt),
# on the small test world, then the marts compared with a DuckDB build of the same world.
# Everything Spark writes (metastore, warehouse, dbt artifacts) lives under SPARK_TEST_DIR, wiped first.
set -euo pipefail
cd "$(dirname "$0")/.."

BIN=.venv/bin
RAW_DIR=$(realpath "${TEST_RAW_DIR:-data/test/raw}")
WORK_DIR=$(realpath -m "${SPARK_TEST_DIR:-data/spark/test}")
started=$SECONDS

command -v java >/dev/null || { echo "test-spark: java not found; Spark needs a Java 17 runtime (apt-get install openjdk-17-jre-headless)" >&2; exit 2; }
[ -d "$RAW_DIR" ] || { echo "test-spark: $RAW_DIR: no raw folder; run make test-world first" >&2; exit 2; }

rm -rf "$WORK_DIR"
mkdir -p "$WORK_DIR"
"$BIN/python" -m smallfirms.preflight "$RAW_DIR"

# Spark's own messages: no progress bars, no warning about the host's loopback name.
export SPARK_LOCAL_IP=127.0.0.1
# The DuckDB build of the same world, for the comparison, runs beside the Spark build, which spends
# most of its time planning small queries one at a time (measured in the closing note of issue 22).
echo "== dbt build on DuckDB (same world, for the comparison), in the background =="
mkdir -p "$WORK_DIR/duckdb"
RAW_DATA_DIR="$RAW_DIR" DUCKDB_PATH="$WORK_DIR/duckdb/warehouse.duckdb" \
    DBT_TARGET_PATH="$WORK_DIR/duckdb/target" DBT_LOG_PATH="$WORK_DIR/duckdb/logs" \
    "$BIN/dbt" build --quiet >"$WORK_DIR/duckdb/build.log" 2>&1 &
duckdb_build=$!
trap 'kill "$duckdb_build" 2>/dev/null || true' EXIT
echo "== dbt build on Spark (session) =="
# 1 MB splits: the hire declarations are read in about 14 parallel splits, whose lines must still
# be numbered in file order (the comparison checks raw_line against DuckDB's).
DBT_TARGET=spark RAW_DATA_DIR="$RAW_DIR" SPARK_HOME_DIR="$WORK_DIR/spark" SPARK_MAX_PARTITION_BYTES=1m \
    DBT_TARGET_PATH="$WORK_DIR/target" DBT_LOG_PATH="$WORK_DIR/logs" \
    "$BIN/dbt" build
spark_done=$SECONDS
wait "$duckdb_build" || { cat "$WORK_DIR/duckdb/build.log" >&2; echo "test-spark: the DuckDB build failed" >&2; exit 1; }
duckdb_done=$SECONDS

echo "== marts compared, DuckDB vs Spark =="
SPARK_WAREHOUSE_DIR="$WORK_DIR/spark/warehouse" DUCKDB_PATH="$WORK_DIR/duckdb/warehouse.duckdb" \
    "$BIN/python" -m pytest -q tests/python/test_cross_engine_spark.py

echo "test-spark passed in $((SECONDS - started)) s (Spark build and tests $((spark_done - started)) s, DuckDB build done $((duckdb_done - spark_done)) s later)"
