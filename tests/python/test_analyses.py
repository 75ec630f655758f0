"""Every analysis in analyses/ says in its header the question it answers, the marts it reads and
its parameters; reads marts through ref() only; compiles; and, run against the built warehouse
(DUCKDB_PATH, read-only), returns rows with the columns an analyst expects."""

import json
import os
import re

import pytest
from worlds import DBT, PROJECT_DIR, TEST_WAREHOUSE, run

ANALYSES_DIR = PROJECT_DIR / "analyses"

# Columns each analysis must return (it may return more).
EXPECTED: dict[str, set[str]] = {
    "rejected_rows_by_file_and_rule": {"source_table", "rule", "column_name", "n_rows"},
    "top_prospects_of_an_agency": {
        "rank_in_agency",
        "siret",
        "is_priority_prospect",
        "expected_hires_next_6_months",
        "is_on_call_list",
        "targeting_reason",
    },
    "sector_hiring_rates_of_a_region": {
        "naf_division",
        "sector_hiring_rate",
        "region_rate_threshold",
        "is_high_hiring_sector",
        "is_suppressed",
        "n_suppressed_in_region",
    },
    "balance_of_a_cohort": {"covariate", "mean_pilot", "mean_control", "smd", "joint_p_value"},
    "monthly_hires_pilot_vs_control": {
        "month_start",
        "months_from_pilot_start",
        "pilot_hires_per_unit",
        "control_hires_per_unit",
        "difference",
    },
    "satisfaction_by_region_and_territory": {
        "dimension",
        "subgroup_value",
        "estimand",
        "estimate",
        "ci_low",
        "ci_high",
        "p_value_ri",
        "pilot_satisfied_rate",
        "reference_rate_small_firms",
    },
    "service_funnel_by_agency": {
        "code_agence",
        "prospects",
        "contacted",
        "hired",
        "contacted_share_of_prospects",
        "n_suppressed_stages",
    },
    "score_lift_by_decile": {"score_tile", "firms_share", "hires_share", "lift"},
    "large_recruiters_furthest_hires": {
        "cohort",
        "period",
        "furthest_hires_per_firm",
        "furthest_share_of_hires",
        "raw_did_furthest_hires_per_firm",
    },
}
# Empty on a clean world: the quarantine rejected nothing.
MAY_BE_EMPTY = {"rejected_rows_by_file_and_rule"}

SET_TAG = re.compile(r"{%-?\s*set\s+(\w+)\s*=")
REF = re.compile(r"""\bref\(\s*['"](\w+)['"]\s*\)""")
# A relation named by hand instead of through ref(): schema.table of a layer of the warehouse.
HARD_CODED = re.compile(r"\b(raw|staging|intermediate|marts|seeds)\.\w", re.IGNORECASE)


def header_of(text: str) -> str:
    """The comment lines at the top of the file, without their `-- `."""
    lines = []
    for line in text.splitlines():
        if not line.startswith("--"):
            break
        lines.append(line.removeprefix("--").strip())
    return " ".join(lines)


@pytest.fixture(scope="module")
def compiled(tmp_path_factory: pytest.TempPathFactory) -> tuple[dict[str, str], dict]:
    """The compiled SQL of every analysis, by name, and the manifest of that compile.

    dbt opens its database file for writing, which a read-only connection held elsewhere in the
    session would block: it compiles against an empty file of the same name in a folder of its
    own, so the compiled SQL names the same catalog (the file's stem) and the warehouse is only
    ever read."""
    warehouse_name = TEST_WAREHOUSE.name
    work = tmp_path_factory.mktemp("analyses")
    env = {
        **os.environ,
        "DBT_PROJECT_DIR": str(PROJECT_DIR),
        "DBT_PROFILES_DIR": str(PROJECT_DIR),
        "DUCKDB_PATH": str(work / warehouse_name),
    }
    target = work / "target"
    done = run(
        [str(DBT), "compile", "--select", "resource_type:analysis", "--target-path", str(target)]
        + ["--log-path", str(work / "logs")],
        env,
    )
    assert done.returncode == 0, done.output[-3000:]
    sql = {path.stem: path.read_text() for path in target.rglob("analyses/*.sql")}
    manifest = json.loads((target / "manifest.json").read_text())
    return sql, manifest


def test_every_analysis_has_an_expectation():
    names = {path.stem for path in ANALYSES_DIR.glob("*.sql")}
    assert len(names) >= 9
    assert names - set(EXPECTED) == set(), "add their expected columns to EXPECTED"
    assert set(EXPECTED) - names == set(), "analyses expected but gone"


@pytest.mark.parametrize("name", sorted(EXPECTED))
def test_header_says_question_marts_and_parameters(name):
    text = (ANALYSES_DIR / f"{name}.sql").read_text()
    header = header_of(text)
    assert "Question:" in header and "?" in header, f"{name}: no question in the header"
    reads = re.search(r"Reads:(.*?)(Parameters:|$)", header)
    assert reads, f"{name}: the header does not say which marts it reads (Reads:)"
    unnamed = sorted(set(REF.findall(text)) - set(re.findall(r"\w+", reads.group(1))))
    assert not unnamed, f"{name}: reads {unnamed} without naming them after Reads:"
    assert "Parameters:" in header, f"{name}: the header does not list its parameters"
    parameters = SET_TAG.findall(text)
    listed = header.split("Parameters:", 1)[1]
    assert all(p in listed for p in parameters), f"{name}: a {{% set %}} not under Parameters:"
    # The parameters sit at the top, right after the header, where an analyst changes them.
    body = text.split("\nwith\n", 1)[0]
    assert len(SET_TAG.findall(body)) == len(parameters), f"{name}: a {{% set %}} below the top"


def test_every_analysis_reads_marts_through_ref_only(compiled):
    _, manifest = compiled
    analyses = [n for n in manifest["nodes"].values() if n["resource_type"] == "analysis"]
    assert {n["name"] for n in analyses} == set(EXPECTED)
    offenders = {}
    for node in analyses:
        parents = [manifest["nodes"][p] for p in node["depends_on"]["nodes"]]
        code = re.sub(r"--[^\n]*", "", node["raw_code"])
        wrong = [
            p["name"] for p in parents if not p["original_file_path"].startswith("models/marts/")
        ]
        if not parents or wrong or "source(" in code or HARD_CODED.search(code):
            offenders[node["name"]] = wrong or "a source(), a hard-coded relation or no ref()"
    assert not offenders, f"analyses reading other than marts through ref(): {offenders}"


@pytest.mark.parametrize("name", sorted(EXPECTED))
def test_analysis_runs_and_returns_its_columns(compiled, warehouse, name):
    sql, _ = compiled
    assert name in sql, f"{name} did not compile"
    cursor = warehouse.execute(sql[name])
    columns = {column[0] for column in cursor.description}
    rows = cursor.fetchall()
    missing = sorted(EXPECTED[name] - columns)
    assert not missing, f"{name}: missing columns {missing}"
    if name not in MAY_BE_EMPTY:
        assert rows, f"{name}: no rows"
