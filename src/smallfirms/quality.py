"""Great Expectations suites: the raw-data contract on the raw files, business invariants on marts.

Two kinds of suite, validated with GX 1.x on pandas DataFrames read by DuckDB (GX's SQL datasource
returns empty metric results on DuckDB, so the data is read here and handed to a pandas datasource):

- ``raw.<table>``, one per raw file: the contract's columns (exactly, as listed in the dbt sources
  YAML), required columns not null, identifier and code formats, value sets, ranges and primary-key
  uniqueness. Every value is read as text, as the ``raw`` views do. Raw data may legitimately break
  these rules (staging quarantines such rows into ``marts.rejected_rows``), so raw failures are
  reported and only fail the command with ``--strict-raw``. A file above ``--sample-rows`` rows is
  checked on a deterministic sample of about that many rows, drawn by a hash of its primary key
  (all rows of a key are in or out together, so duplicate keys are still caught within the sample).
- ``marts.<table>``, one per table or view of schema ``marts``, with rules chosen by column name so
  that new marts are covered without code changes:

  - every column named ``*_rate`` or ``*_share`` lies in [0, 1] (NULLs ignored), except the
    ratios listed in ``UNBOUNDED_RATIOS`` (not proportions by definition), which are only >= 0;
  - with ``ci_low``, ``estimate`` and ``ci_high``: ci_low <= estimate <= ci_high;
  - with ``is_suppressed``: where it is true, every published value column is NULL. Published value
    columns are ``estimate``, ``ci_low``, ``ci_high``, ``std_error``, ``p_value``, the columns
    named ``*_rate``, ``*_share``, ``*_mean``, ``*_total``, ``*_effect`` (flags ``is_*`` aside),
    and the counts ``n_*`` except those of contributors (``NOT_SECRET``: firms, units, clusters…,
    which explain why a cell is hidden);
  - a table named ``cohort_*`` has at least one row;
  - with ``is_prospect`` and ``is_eligible``: every prospect is eligible;
  - ``rejected_rows``: ``rule``, ``column_name`` and ``source_table`` not null, ``source_table``
    one of the ten raw tables.

  Any failed invariant makes the command exit 1.

GX Data Docs (static HTML) are written to ``--docs-dir``; one line per suite is printed.
"""

from __future__ import annotations

import argparse
import sys
import time
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import duckdb
import pandas as pd

from smallfirms.preflight import contract_tables

DEFAULT_SAMPLE_ROWS = 2_000_000
DOCS_SITE = "local_site"

DATE = r"^[0-9]{4}-[0-9]{2}-[0-9]{2}$"
TIMESTAMP = r"^[0-9]{4}-[0-9]{2}-[0-9]{2} [0-9]{2}:[0-9]{2}:[0-9]{2}$"
SIREN = r"^[0-9]{9}$"
SIRET = r"^[0-9]{14}$"
NIR = r"^[12][0-9]{2}(?:0[1-9]|1[0-2]|[2-9][0-9])(?:[0-9]{2}|2A|2B)[0-9]{8}$"
COMMUNE = r"^(?:[0-9]{2}|2A|2B)[0-9]{3}$"
AGENCY = r"^(?:[0-9]{2}|2A|2B)[0-9]{3}$"
ROME = r"^[A-Z][0-9]{4}$"
NAF = r"^[0-9]{2}\.?[0-9]{2}[A-Z]$"
BOOLEANS = ["true", "false"]
NATURES = ["CDI", "CDD", "CTT"]

# The contract's row rules per raw table, as written in ../shared/spec/raw-data-contract.md.
# key: primary key; required: not null; patterns: full-match regexes on the text; sets: allowed
# values (NULL allowed unless required); ranges: integers (a value that is not an integer reads as
# NULL, so a required range column also fails its not-null check); when: (column, equals, rule)
# where rule is "required" or "null" on the rows where column equals the value.
RAW_RULES: dict[str, dict[str, Any]] = {
    "agencies": {
        "key": "code_agence",
        "required": [
            "code_agence",
            "nom_agence",
            "code_departement",
            "code_region",
            "type_territoire",
        ],
        "patterns": {"code_agence": AGENCY},
        "sets": {"type_territoire": ["rural", "urbain"]},
        "when": [
            ("type_territoire", "urbain", "code_agglomeration", "required"),
            ("type_territoire", "rural", "code_agglomeration", "null"),
        ],
    },
    "communes": {
        "key": "code_commune",
        "required": ["code_commune", "nom_commune", "code_departement", "code_agence"],
        "patterns": {"code_commune": COMMUNE, "code_agence": AGENCY},
    },
    "legal_units": {
        "key": "siren",
        "required": ["siren", "denomination", "tranche_effectifs_ul", "date_creation"],
        "patterns": {"siren": SIREN, "date_creation": DATE},
        "sets": {"categorie_entreprise": ["PME", "ETI", "GE"]},
    },
    "establishments": {
        "key": "siret",
        "required": [
            "siret",
            "siren",
            "code_naf",
            "tranche_effectifs",
            "code_commune",
            "date_creation",
        ],
        "patterns": {
            "siret": SIRET,
            "siren": SIREN,
            "code_naf": NAF,
            "code_commune": COMMUNE,
            "date_creation": DATE,
            "date_fermeture": DATE,
        },
    },
    "hire_declarations": {
        "key": "declaration_id",
        "required": [
            "declaration_id",
            "siret",
            "nir",
            "date_embauche",
            "nature_contrat",
            "date_declaration",
        ],
        "patterns": {
            "siret": SIRET,
            "nir": NIR,
            "date_embauche": DATE,
            "date_fin_contrat": DATE,
            "date_declaration": TIMESTAMP,
        },
        "sets": {"nature_contrat": NATURES},
        "when": [
            ("nature_contrat", "CDI", "date_fin_contrat", "null"),
            ("nature_contrat", "CDD", "date_fin_contrat", "required"),
            ("nature_contrat", "CTT", "date_fin_contrat", "required"),
        ],
    },
    "jobseeker_spells": {
        "key": "spell_id",
        "required": [
            "spell_id",
            "nir",
            "date_inscription",
            "categorie",
            "annee_naissance",
            "niveau_formation",
            "is_rsa",
            "is_boeth",
            "is_qpv",
        ],
        "patterns": {"nir": NIR, "date_inscription": DATE, "date_fin": DATE},
        "sets": {
            "categorie": ["A", "B", "C", "D", "E"],
            "niveau_formation": ["I", "II", "III", "IV", "V", "VBIS", "VI"],
            "is_rsa": BOOLEANS,
            "is_boeth": BOOLEANS,
            "is_qpv": BOOLEANS,
        },
        "ranges": {"annee_naissance": (1940, 2005)},
    },
    "job_offers": {
        "key": "offer_id",
        "required": [
            "offer_id",
            "siret",
            "code_agence",
            "code_rome",
            "nature_contrat",
            "nb_postes",
            "date_publication",
        ],
        "patterns": {
            "siret": SIRET,
            "code_agence": AGENCY,
            "code_rome": ROME,
            "date_publication": DATE,
            "date_cloture": DATE,
        },
        "sets": {
            "nature_contrat": NATURES,
            "motif_cloture": ["pourvue_service", "pourvue_autre", "annulee", "sans_suite"],
        },
        "ranges": {"nb_postes": (1, 100)},
    },
    "counsellor_actions": {
        "key": "action_id",
        "required": [
            "action_id",
            "siret",
            "code_agence",
            "conseiller_id",
            "date_action",
            "type_action",
        ],
        "patterns": {"siret": SIRET, "code_agence": AGENCY, "date_action": DATE},
        "sets": {
            "type_action": [
                "prospection_visite",
                "prospection_telephone",
                "service_recrutement",
                "salon_physique",
                "salon_virtuel",
                "job_dating",
                "atelier_cooperation",
                "suivi",
            ]
        },
    },
    "satisfaction_answers": {
        "key": "answer_id",
        "required": ["answer_id", "siret", "date_reponse", "reponse"],
        "patterns": {"siret": SIRET, "date_reponse": DATE},
        "sets": {
            "reponse": ["tres_satisfait", "satisfait", "peu_satisfait", "pas_du_tout_satisfait"]
        },
    },
    "large_recruiter_enrolments": {
        "key": "siren",
        "required": ["siren", "code_region", "date_inscription"],
        "patterns": {"siren": SIREN, "date_inscription": DATE},
    },
}

BOUNDED_SUFFIXES = ("_rate", "_share")
# Named *_rate but defined as a ratio that may exceed 1 (../shared/spec/experiments.md).
UNBOUNDED_RATIOS = {"sector_hiring_rate"}  # lookback hires / headcount estimate: hires per head
CI_COLUMNS = ("ci_low", "estimate", "ci_high")
VALUE_NAMES = {"estimate", "ci_low", "ci_high", "std_error", "p_value"}
VALUE_SUFFIXES = ("_rate", "_share", "_mean", "_total", "_effect")
# Counts of contributors (firms, units, establishments, clusters, draws) say why a cell is hidden
# and reveal nothing about a firm: a suppressed row keeps them.
NOT_SECRET = {
    "n_firms",
    "n_units",
    "n_establishments",
    "n_pilot",
    "n_control",
    "n_clusters",
    "n_ri_assignments",
    "n_assignments",
    "n_leads",
}


@dataclass
class SuiteOutcome:
    name: str
    kind: str  # "raw" or "marts"
    evaluated: int = 0
    successes: int = 0
    failures: int = 0
    note: str = ""
    failed: list[str] = field(default_factory=list)

    @property
    def success(self) -> bool:
        return self.failures == 0


def published_value_columns(columns: list[str]) -> list[str]:
    """The columns a suppressed row must leave NULL (see the module docstring)."""
    return [
        c
        for c in columns
        if c in VALUE_NAMES
        or (c.endswith(VALUE_SUFFIXES) and not c.startswith(("is_", "has_")))
        or (c.startswith("n_") and c not in NOT_SECRET)
    ]


# --- GX plumbing ---------------------------------------------------------------------------


def make_context(docs_dir: Path):
    """An ephemeral GX context: in-memory stores, one local Data Docs site writing to docs_dir."""
    import great_expectations as gx
    from great_expectations.data_context.types.base import (
        DataContextConfig,
        InMemoryStoreBackendDefaults,
        ProgressBarsConfig,
    )

    config = DataContextConfig(
        store_backend_defaults=InMemoryStoreBackendDefaults(),
        analytics_enabled=False,
        progress_bars=ProgressBarsConfig(globally=False),
        data_docs_sites={
            DOCS_SITE: {
                "class_name": "SiteBuilder",
                "store_backend": {
                    "class_name": "TupleFilesystemStoreBackend",
                    "base_directory": str(docs_dir.resolve()),
                },
                "site_index_builder": {"class_name": "DefaultSiteIndexBuilder"},
            }
        },
    )
    context = gx.get_context(mode="ephemeral", project_config=config)
    context.data_sources.add_pandas(name="frames")
    return context


def validate(context, name: str, kind: str, expectations: list, frame: pd.DataFrame, note: str):
    """Validate one DataFrame against a new suite; the result is stored for the Data Docs."""
    import great_expectations as gx

    suite = context.suites.add(gx.ExpectationSuite(name=name, expectations=expectations))
    asset = context.data_sources.get("frames").add_dataframe_asset(name=name)
    batch_definition = asset.add_batch_definition_whole_dataframe(name=name)
    definition = context.validation_definitions.add(
        gx.ValidationDefinition(name=name, data=batch_definition, suite=suite)
    )
    result = definition.run(
        batch_parameters={"dataframe": frame}, result_format={"result_format": "SUMMARY"}
    )
    outcome = SuiteOutcome(name=name, kind=kind, note=note)
    for item in result.results:
        outcome.evaluated += 1
        if item.success:
            outcome.successes += 1
            continue
        outcome.failures += 1
        outcome.failed.append(describe_failure(item))
    return outcome


def describe_failure(item) -> str:
    config = item.expectation_config
    kwargs = {k: v for k, v in config.kwargs.items() if k not in ("batch_id", "value_set")}
    target = kwargs.get("column") or ",".join(
        str(kwargs[k]) for k in ("column_A", "column_B") if k in kwargs
    )
    condition = kwargs.get("row_condition")
    text = f"{config.type}({target or 'table'})"
    if isinstance(condition, dict) and {"column", "operator", "parameter"} <= set(condition):
        column = condition["column"].get("name") if isinstance(condition["column"], dict) else ""
        text += f" where {column} {condition['operator']} {condition['parameter']!r}"
    elif condition:
        text += f" where {condition}"
    if item.exception_info and item.exception_info.get("raised_exception"):
        message = str(item.exception_info.get("exception_message", "")).splitlines()[:1]
        return f"{text}: error {message[0] if message else ''}"
    res = item.result or {}
    if "unexpected_count" in res:
        sample = res.get("partial_unexpected_list") or []
        return (
            f"{text}: {res['unexpected_count']} unexpected of {res.get('element_count')}"
            f", e.g. {sample[:3]}"
        )
    return f"{text}: observed {res.get('observed_value')}"


# --- raw contract suites ---------------------------------------------------------------------


def raw_expectations(table: str, columns: list[str]) -> list:
    import great_expectations.expectations as gxe
    from great_expectations.expectations.row_conditions import Column

    rules = RAW_RULES.get(table, {})
    out: list = [gxe.ExpectTableColumnsToMatchSet(column_set=columns, exact_match=True)]
    for column in rules.get("required", []):
        out.append(gxe.ExpectColumnValuesToNotBeNull(column=column))
    for column, regex in rules.get("patterns", {}).items():
        out.append(gxe.ExpectColumnValuesToMatchRegex(column=column, regex=regex))
    for column, values in rules.get("sets", {}).items():
        out.append(gxe.ExpectColumnValuesToBeInSet(column=column, value_set=values))
    for column, (low, high) in rules.get("ranges", {}).items():
        out.append(gxe.ExpectColumnValuesToBeBetween(column=column, min_value=low, max_value=high))
    for column, value, target, rule in rules.get("when", []):
        condition = Column(column) == value
        if rule == "required":
            out.append(gxe.ExpectColumnValuesToNotBeNull(column=target, row_condition=condition))
        else:
            out.append(gxe.ExpectColumnValuesToBeNull(column=target, row_condition=condition))
    if rules.get("key"):
        out.append(gxe.ExpectColumnValuesToBeUnique(column=rules["key"]))
    return out


def raw_file(raw_dir: Path, table: str) -> tuple[Path | None, str]:
    csv_path, parquet_path = raw_dir / f"{table}.csv", raw_dir / f"{table}.parquet"
    if csv_path.exists():
        reader = (
            f"read_csv('{csv_path}', header = true, all_varchar = true, delim = ',', "
            "quote = '\"', escape = '\"')"
        )
        return csv_path, reader
    if parquet_path.exists():
        return parquet_path, f"read_parquet('{parquet_path}')"
    return None, ""


def read_raw(
    con: duckdb.DuckDBPyConnection, reader: str, table: str, sample_rows: int | None
) -> tuple[pd.DataFrame, int]:
    """The file as text, sampled by a hash of its primary key above sample_rows rows."""
    (total,) = con.execute(f"select count(*) from {reader}").fetchone()
    rules = RAW_RULES.get(table, {})
    cast = "columns(*)::varchar"
    where = ""
    if sample_rows and total > sample_rows:
        names = [r[0] for r in con.execute(f"describe select * from {reader}").fetchall()]
        key = rules.get("key") if rules.get("key") in names else None
        hashed = f'hash("{key}")' if key else "hash(columns(*))"
        where = f" where {hashed} % {total} < {sample_rows}"
    frame = con.execute(f"select {cast} from {reader}{where}").df()
    for column in rules.get("ranges", {}):
        if column in frame.columns:
            frame[column] = pd.to_numeric(frame[column].str.strip(), errors="coerce").astype(
                "Int64"
            )
    return frame, total


def run_raw(context, raw_dir: Path, sample_rows: int | None) -> list[SuiteOutcome]:
    outcomes = []
    with duckdb.connect() as con:
        for table, columns in contract_tables().items():
            name = f"raw.{table}"
            path, reader = raw_file(raw_dir, table)
            if path is None:
                outcome = SuiteOutcome(name=name, kind="raw", evaluated=1, failures=1)
                outcome.failed.append(f"no file {table}.csv or {table}.parquet in {raw_dir}")
                outcomes.append(outcome)
                continue
            frame, total = read_raw(con, reader, table, sample_rows)
            if len(frame) < total:
                note = f"sample of {len(frame):,} of {total:,} rows"
            else:
                note = f"{total:,} rows"
            outcomes.append(
                validate(context, name, "raw", raw_expectations(table, columns), frame, note)
            )
    return outcomes


# --- marts invariants -------------------------------------------------------------------------


def marts_expectations(table: str, columns: list[str]) -> list:
    import great_expectations.expectations as gxe
    from great_expectations.expectations.row_conditions import Column

    out: list = []
    for column in columns:
        if column in UNBOUNDED_RATIOS:
            out.append(gxe.ExpectColumnValuesToBeBetween(column=column, min_value=0))
        elif column.endswith(BOUNDED_SUFFIXES):
            out.append(gxe.ExpectColumnValuesToBeBetween(column=column, min_value=0, max_value=1))
    if all(c in columns for c in CI_COLUMNS):
        for low, high in (("ci_low", "estimate"), ("estimate", "ci_high")):
            out.append(
                gxe.ExpectColumnPairValuesAToBeGreaterThanB(
                    column_A=high,
                    column_B=low,
                    or_equal=True,
                    ignore_row_if="either_value_is_missing",
                )
            )
    if "is_suppressed" in columns:
        for column in published_value_columns(columns):
            out.append(
                gxe.ExpectColumnValuesToBeNull(
                    column=column,
                    row_condition=Column("is_suppressed") == True,  # noqa: E712
                )
            )
    if table.startswith("cohort_"):
        out.append(gxe.ExpectTableRowCountToBeBetween(min_value=1))
    if "is_prospect" in columns and "is_eligible" in columns:
        out.append(
            gxe.ExpectColumnValuesToBeInSet(
                column="is_eligible",
                value_set=[True],
                row_condition=Column("is_prospect") == True,  # noqa: E712
            )
        )
    if table == "rejected_rows":
        for column in ("rule", "column_name", "source_table"):
            out.append(gxe.ExpectColumnValuesToNotBeNull(column=column))
        out.append(
            gxe.ExpectColumnValuesToBeInSet(
                column="source_table", value_set=sorted(contract_tables())
            )
        )
    return out


def run_marts(context, database: Path) -> list[SuiteOutcome]:
    outcomes = []
    with duckdb.connect(str(database), read_only=True) as con:
        tables = [
            r[0]
            for r in con.execute(
                "select table_name from information_schema.tables "
                "where table_schema = 'marts' order by table_name"
            ).fetchall()
        ]
        if not tables:
            outcome = SuiteOutcome(name="marts", kind="marts", evaluated=1, failures=1)
            outcome.failed.append(f"{database}: no table in schema marts")
            return [outcome]
        for table in tables:
            columns = [
                r[0]
                for r in con.execute(
                    "select column_name from information_schema.columns "
                    "where table_schema = 'marts' and table_name = ? order by ordinal_position",
                    [table],
                ).fetchall()
            ]
            expectations = marts_expectations(table, columns)
            name = f"marts.{table}"
            if not expectations:
                outcomes.append(SuiteOutcome(name=name, kind="marts", note="no invariant applies"))
                continue
            frame = con.execute(f'select * from marts."{table}"').df()
            note = f"{len(frame):,} rows"
            outcomes.append(validate(context, name, "marts", expectations, frame, note))
    return outcomes


# --- command line -----------------------------------------------------------------------------


def build_docs(context, docs_dir: Path) -> Path:
    context.build_data_docs(site_names=[DOCS_SITE])
    index = docs_dir.resolve() / "index.html"
    if not index.exists():
        raise RuntimeError(f"{index}: GX did not write the Data Docs index")
    return index


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--raw-dir", type=Path, help="raw folder: validate the contract suites")
    parser.add_argument("--database", type=Path, help="warehouse: validate the marts invariants")
    parser.add_argument("--docs-dir", type=Path, default=Path("data/quality"))
    parser.add_argument(
        "--sample-rows",
        type=int,
        default=DEFAULT_SAMPLE_ROWS,
        help=f"check files above N rows on a sample of ~N rows (default {DEFAULT_SAMPLE_ROWS:,};"
        " 0: never sample)",
    )
    parser.add_argument(
        "--strict-raw", action="store_true", help="exit 1 when a raw expectation fails"
    )
    args = parser.parse_args(argv)
    if args.raw_dir is None and args.database is None:
        parser.error("give --raw-dir, --database or both")
    if args.database is not None and not args.database.exists():
        print(f"quality error: {args.database}: no such warehouse", file=sys.stderr)
        return 1

    args.docs_dir.mkdir(parents=True, exist_ok=True)
    started = time.perf_counter()
    context = make_context(args.docs_dir)
    outcomes: list[SuiteOutcome] = []
    if args.raw_dir is not None:
        outcomes += run_raw(context, args.raw_dir, args.sample_rows or None)
    if args.database is not None:
        outcomes += run_marts(context, args.database)
    index = build_docs(context, args.docs_dir)

    for o in outcomes:
        note = f" ({o.note})" if o.note else ""
        print(
            f"quality {o.name}: {o.evaluated} expectations, {o.successes} passed, "
            f"{o.failures} failed{note}; docs {index}"
        )
        for failure in o.failed:
            print(f"  failed {o.name}: {failure}")
    raw_failed = [o.name for o in outcomes if o.kind == "raw" and not o.success]
    marts_failed = [o.name for o in outcomes if o.kind == "marts" and not o.success]
    seconds = time.perf_counter() - started
    print(
        f"quality: {len(outcomes)} suites in {seconds:.1f} s; raw suites failing: "
        f"{len(raw_failed)}{' (reported only)' if raw_failed and not args.strict_raw else ''}; "
        f"marts suites failing: {len(marts_failed)}"
    )
    if marts_failed or (args.strict_raw and raw_failed):
        return 1
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
