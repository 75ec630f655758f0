"""The raw-data contract is written once (the sources YAML) and every consumer reads it: the
quarantine macro (through the generated raw_data_contract macro), the pre-flight check, the
great-expectations raw suites and the generator's conformance test."""

import os
import re
import shutil
import subprocess
import sys
from pathlib import Path

import pytest
import yaml

from smallfirms import contract, preflight, quality

PROJECT = Path(__file__).resolve().parents[2]
DBT = Path(sys.executable).parent / "dbt"


def test_the_generated_macro_matches_the_sources_yaml():
    macro = (PROJECT / contract.MACRO_PATH).read_text(encoding="utf-8")
    assert macro == contract.macro_text(contract.load()), "run `make contract`"


def test_the_contract_has_the_ten_tables_and_their_keys():
    keys = {name: table.key for name, table in contract.tables().items()}
    assert keys == {
        "hire_declarations": "declaration_id",
        "agencies": "code_agence",
        "communes": "code_commune",
        "jobseeker_spells": "spell_id",
        "job_offers": "offer_id",
        "counsellor_actions": "action_id",
        "satisfaction_answers": "answer_id",
        "large_recruiter_enrolments": "siren",
        "legal_units": "siren",
        "establishments": "siret",
    }
    personal = [
        (t.name, c.name) for t in contract.tables().values() for c in t.columns if c.personal_data
    ]
    assert personal == [("hire_declarations", "nir"), ("jobseeker_spells", "nir")]


@pytest.mark.parametrize(
    "rule",
    [
        {"rule": "not_in_set", "in_set": ["a"]},
        {"in_seed": {"seed": "departments", "column": "code_departement"}},
        {"rule": "not_in_set"},
    ],
)
def test_a_malformed_rule_is_refused(rule: dict):
    document = {
        "sources": [
            {
                "name": "s",
                "tables": [
                    {
                        "name": "t",
                        "columns": [{"name": "c", "meta": {"contract": {"rules": [rule]}}}],
                    }
                ],
            }
        ]
    }
    with pytest.raises(contract.ContractError, match="t.c: malformed rule"):
        contract.parse([document])


# --- one rule removed: every consumer stops checking it ---------------------------------------


def _without(project: Path, table: str, column: str, rule: str | None) -> None:
    """Remove from the copy's sources YAML a column's rule (or, rule None, the whole column)."""
    for path in project.glob(contract.SOURCES_GLOB):
        document = yaml.safe_load(path.read_text(encoding="utf-8"))
        for source in document["sources"]:
            for node in source["tables"]:
                if node["name"] != table:
                    continue
                if rule is None:
                    node["columns"] = [c for c in node["columns"] if c["name"] != column]
                    continue
                for entry in node["columns"]:
                    if entry["name"] == column:
                        spec = entry["config"]["meta"]["contract"]
                        spec["rules"] = [r for r in spec["rules"] if r["rule"] != rule]
        path.write_text(yaml.safe_dump(document, sort_keys=False), encoding="utf-8")
    macro = contract.macro_text(contract.load(project))
    (project / contract.MACRO_PATH).write_text(macro, encoding="utf-8")


def _quarantine_checks(project: Path, raw: Path, model: str) -> set[tuple[str, str]]:
    """(rule, column) pairs of the compiled quarantine of a base model."""
    env = {
        **os.environ,
        "DBT_PROFILES_DIR": str(project),
        "DBT_PROJECT_DIR": str(project),
        "RAW_DATA_DIR": str(raw),
        "DUCKDB_PATH": str(project / "compile.duckdb"),
    }
    result = subprocess.run(
        [str(DBT), "compile", "--select", model, "--quiet", "--target-path", "target"],
        cwd=project,
        env=env,
        capture_output=True,
        text=True,
    )
    assert result.returncode == 0, result.stdout + result.stderr
    sql = next((project / "target" / "compiled").rglob(f"{model}.sql")).read_text()
    rules = re.findall(r"when (\d+) then '(\w+)'", sql.split("as rejection_rule")[0])
    columns = re.findall(r"when (\d+) then '(\w+)'", sql.split("as rejection_rule")[1])
    column_of = dict(columns[: len(rules)])
    return {(rule, column_of[index]) for index, rule in rules}


def _suite(tables: dict[str, contract.Table], table: str) -> set[tuple[str, str]]:
    """(expectation type, column) pairs of a raw suite."""
    derived = [f"{c.name} (date)" for c in tables[table].columns if c.type == "date"]
    pairs = set()
    for expectation in quality.raw_expectations(tables[table], derived):
        kwargs = expectation.configuration.kwargs
        column = kwargs.get("column") or kwargs.get("column_B") or ""
        pairs.add((expectation.expectation_type, column.split(" (")[0]))
    return pairs


@pytest.fixture(scope="module")
def project_copy(tmp_path_factory: pytest.TempPathFactory) -> Path:
    copy = tmp_path_factory.mktemp("project")
    for name in ("dbt_project.yml", "profiles.yml"):
        shutil.copy(PROJECT / name, copy / name)
    for name in ("models", "macros", "seeds", "tests", "analyses"):
        shutil.copytree(PROJECT / name, copy / name)
    return copy


@pytest.fixture(scope="module")
def layout_raw(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A raw folder with the contract's layout, one row per reference table."""
    raw = tmp_path_factory.mktemp("raw")
    for name, table in contract.tables().items():
        lines = [",".join(table.column_names)]
        if table.not_empty:
            lines.append(",".join("x" for _ in table.columns))
        (raw / f"{name}.csv").write_text("\n".join(lines) + "\n", encoding="utf-8")
    return raw


def test_removing_a_rule_stops_the_quarantine_and_the_raw_suite(project_copy: Path, layout_raw):
    checked = ("not_in_set", "categorie_entreprise")
    assert checked in _quarantine_checks(project_copy, layout_raw, "base_sirene__legal_units")
    assert ("expect_column_values_to_be_in_set", "categorie_entreprise") in _suite(
        contract.tables(), "legal_units"
    )

    _without(project_copy, "legal_units", "categorie_entreprise", "not_in_set")
    changed = contract.load(project_copy)
    assert not changed["legal_units"].column("categorie_entreprise").rules
    after = _quarantine_checks(project_copy, layout_raw, "base_sirene__legal_units")
    assert checked not in after
    assert ("missing_value", "denomination") in after, "the other rules are still checked"
    suite = _suite(changed, "legal_units")
    assert ("expect_column_values_to_be_in_set", "categorie_entreprise") not in suite
    assert ("expect_column_values_to_not_be_null", "denomination") in suite


def test_removing_a_column_stops_every_consumer(project_copy: Path, layout_raw: Path, tmp_path):
    column = "date_fermeture"
    assert any(
        c == column
        for _, c in _quarantine_checks(project_copy, layout_raw, "base_sirene__establishments")
    )
    short = tmp_path / "raw"
    shutil.copytree(layout_raw, short)
    path = short / "establishments.csv"
    header, row = path.read_text().splitlines()
    keep = [i for i, name in enumerate(header.split(",")) if name != column]
    path.write_text(
        "\n".join(",".join(line.split(",")[i] for i in keep) for line in (header, row)) + "\n"
    )
    before = preflight.check_folder(short, contract.tables()).errors
    assert before == [f"{path}: file-level error, column {column} is missing"]

    _without(project_copy, "establishments", column, None)
    changed = contract.load(project_copy)
    assert preflight.check_folder(short, changed).errors == []
    assert column not in {c for _, c in _suite(changed, "establishments")}
    checks = _quarantine_checks(project_copy, layout_raw, "base_sirene__establishments")
    assert column not in {c for _, c in checks}
    assert ("siret_format", "siret") in checks
