#!/usr/bin/env bash
# make evaluate: dbt Labs' dbt-project-evaluator on a throw-away copy of this project, offline.
#
# Needs local copies of the two packages (no hub access; they are never committed):
#   EVALUATOR_DIR   dbt-labs/dbt-project-evaluator (tag v1.3.2: require-dbt-version >=1.10.6)
#   DBT_UTILS_DIR   dbt-labs/dbt-utils (tag 1.4.1: the evaluator asks for >=1.0.0,<2.0.0)
# The git-tracked files of the project are copied to a temporary directory with the two packages;
# there the script writes packages.yml (two `local:` packages), adds the committed configuration of
# config/project-evaluator/ (vars.yml and the exceptions seed, one reason per row), runs `dbt deps`
# and `dbt build --select package:dbt_project_evaluator` on DuckDB, and prints one line per rule
# (fct_* model) with its finding count, then the number of rules with findings. Exit 1 if any.
#
# Options: --details prints the rows of each rule with findings; --keep keeps the temporary copy.
set -euo pipefail
cd "$(dirname "$0")/.."
ROOT=$PWD

say() { printf 'evaluate: %s\n' "$*"; }
fail() { printf 'evaluate error: %s\n' "$*" >&2; exit 2; }

DETAILS=0
KEEP=0
for arg in "$@"; do
    case $arg in
        --details) DETAILS=1 ;;
        --keep) KEEP=1 ;;
        *) fail "unknown option $arg (--details, --keep)" ;;
    esac
done

BIN=$ROOT/.venv/bin
CONFIG=$ROOT/config/project-evaluator
[ -x "$BIN/dbt" ] || fail "no $BIN/dbt: run make install first"
[ -n "${EVALUATOR_DIR:-}" ] && [ -n "${DBT_UTILS_DIR:-}" ] \
    || fail "set EVALUATOR_DIR and DBT_UTILS_DIR to local copies of dbt-project-evaluator and dbt-utils"
for dir in "$EVALUATOR_DIR" "$DBT_UTILS_DIR"; do
    [ -f "$dir/dbt_project.yml" ] || fail "$dir holds no dbt_project.yml"
done
grep -q "^name: 'dbt_project_evaluator'" "$EVALUATOR_DIR/dbt_project.yml" \
    || fail "$EVALUATOR_DIR is not dbt_project_evaluator"
grep -q "^name: 'dbt_utils'" "$DBT_UTILS_DIR/dbt_project.yml" || fail "$DBT_UTILS_DIR is not dbt_utils"

WORK=$(mktemp -d /tmp/smallfirms-evaluate.XXXXXX)
cleanup() {
    local status=$?
    if [ "$KEEP" = 1 ]; then say "kept $WORK"; else rm -rf "$WORK"; fi
    exit $status
}
trap cleanup EXIT
trap 'exit 130' INT TERM

# The project as committed (tracked files, as they are in the work tree), and the two packages.
mkdir -p "$WORK/project" "$WORK/packages"
git ls-files -z | while IFS= read -r -d '' file; do
    [ -e "$file" ] && printf '%s\0' "$file"
done | tar --null -T - -cf - | tar -xf - -C "$WORK/project"
cp -R "$EVALUATOR_DIR" "$WORK/packages/dbt_project_evaluator"
cp -R "$DBT_UTILS_DIR" "$WORK/packages/dbt_utils"
# The evaluator asks the hub for dbt_utils; the root project brings the local copy instead.
printf 'packages: []\n' > "$WORK/packages/dbt_project_evaluator/packages.yml"

cd "$WORK/project"
cat > packages.yml <<EOF
packages:
  - local: $WORK/packages/dbt_utils
  - local: $WORK/packages/dbt_project_evaluator
EOF
cp "$CONFIG/dbt_project_evaluator_exceptions.csv" seeds/dbt_project_evaluator_exceptions.csv

# dbt_project.yml of the copy: the evaluator's vars (config/project-evaluator/vars.yml), the
# dispatch the evaluator needs on DuckDB, its blank exceptions seed replaced by ours, and no hooks:
# the evaluator reads the graph, not the data, and the hooks need the raw files.
"$BIN/python" - "$CONFIG/vars.yml" <<'EOF'
import sys

import yaml

with open("dbt_project.yml") as f:
    project = yaml.safe_load(f)
with open(sys.argv[1]) as f:
    evaluator_vars = yaml.safe_load(f)
project.setdefault("vars", {})["dbt_project_evaluator"] = evaluator_vars or {}
project["dispatch"] = [
    {"macro_namespace": "dbt", "search_order": ["dbt_project_evaluator", "dbt"]}
]
project.setdefault("seeds", {})["dbt_project_evaluator"] = {
    "dbt_project_evaluator_exceptions": {"+enabled": False}
}
project.pop("on-run-start", None)
project.pop("on-run-end", None)
with open("dbt_project.yml", "w") as f:
    yaml.safe_dump(project, f, sort_keys=False)
EOF

export DBT_PROFILES_DIR=$PWD DBT_PROJECT_DIR=$PWD DBT_TARGET=duckdb
export DUCKDB_PATH=$WORK/evaluator.duckdb RAW_DATA_DIR=$WORK/no-raw-data
export DBT_SEND_ANONYMOUS_USAGE_STATS=false

say "dbt deps (local packages) in $WORK/project"
"$BIN/dbt" deps --quiet > "$WORK/deps.log" 2>&1 || { cat "$WORK/deps.log" >&2; fail "dbt deps failed"; }
say "dbt build --select package:dbt_project_evaluator dbt_project_evaluator_exceptions"
"$BIN/dbt" build --select package:dbt_project_evaluator dbt_project_evaluator_exceptions \
    > "$WORK/build.log" 2>&1 || {
    tail -n 40 "$WORK/build.log" >&2
    fail "dbt build of the evaluator failed (log: $WORK/build.log; --keep keeps it)"
}

# One line per rule: the failures of the tests on each fct_* model (rows for is_empty, one for a
# coverage under its target).
"$BIN/python" - "$DETAILS" <<'EOF'
import json
import os
import sys

import duckdb

details = sys.argv[1] == "1"
manifest = json.load(open("target/manifest.json"))
results = json.load(open("target/run_results.json"))["results"]
rules = {
    node["unique_id"]: node
    for node in manifest["nodes"].values()
    if node["resource_type"] == "model"
    and node["package_name"] == "dbt_project_evaluator"
    and node["name"].startswith("fct_")
}
counts = {uid: 0 for uid in rules}
errors = []
for result in results:
    node = manifest["nodes"].get(result["unique_id"])
    if node is None or node["resource_type"] != "test":
        continue
    for parent in node["depends_on"]["nodes"]:
        if parent in rules:
            if result["status"] == "error":
                errors.append(f"{rules[parent]['name']}: {result['message']}")
            else:
                counts[parent] += result["failures"] or 0
if errors:
    sys.exit("evaluate error: tests in error\n" + "\n".join(errors))
ordered = sorted(rules, key=lambda uid: (rules[uid]["fqn"][-2], rules[uid]["name"]))
if details:
    con = duckdb.connect(os.environ["DUCKDB_PATH"], read_only=True)
    for uid in ordered:
        if counts[uid]:
            print(f"\n== {rules[uid]['name']}")
            print(con.sql(f"select * from {rules[uid]['relation_name']}").df().to_string())
    print()
width = max(len(rules[uid]["name"]) for uid in rules)
for uid in ordered:
    print(f"{rules[uid]['fqn'][-2]:<14} {rules[uid]['name']:<{width}} {counts[uid]:>5}")
with_findings = sum(1 for count in counts.values() if count)
print(f"rules with findings: {with_findings} of {len(rules)}")
sys.exit(1 if with_findings else 0)
EOF
