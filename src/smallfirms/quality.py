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

from smallfirms import contract
from smallfirms.project import duckdb_file_literal

DEFAULT_SAMPLE_ROWS = 2_000_000
DOCS_SITE = "local_site"

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
    "n_ri_block_assignments",
    "n_assignments",
    "n_leads",
    "n_trimmed",
    "n_pilot_firms",
    "n_control_firms",
    "n_pilot_respondents",
    "n_control_respondents",
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


def _derived(column: str, what: str) -> str:
    """A column derived from a raw column, for a check GX cannot express on the text."""
    return f"{column} ({what})"


def _condition(condition: dict[str, Any]):
    from great_expectations.expectations.row_conditions import Column

    if "in" in condition:
        return Column(condition["column"]).is_in([str(v) for v in condition["in"]])
    column = Column(condition["column"])
    return column.is_null() if condition["is_null"] else column.is_not_null()


def rule_expectations(table: contract.Table, rule: contract.Rule) -> list:
    """The GX expectations of one contract rule (none for the checks across files: references,
    prefix_of)."""
    import great_expectations.expectations as gxe

    name, checks, out = rule.column, rule.checks, []
    if "required_when" in checks:
        row_condition = _condition(checks["required_when"])
        return [gxe.ExpectColumnValuesToNotBeNull(column=name, row_condition=row_condition)]
    if "null_when" in checks:
        row_condition = _condition(checks["null_when"])
        return [gxe.ExpectColumnValuesToBeNull(column=name, row_condition=row_condition)]
    if "identifier" in checks:
        derived = _derived(name, rule.rule)
        out.append(gxe.ExpectColumnValuesToBeInSet(column=derived, value_set=[True]))
    if "pattern" in checks:
        out.append(
            gxe.ExpectColumnValuesToMatchRegex(column=name, regex=f"^(?:{checks['pattern']})$")
        )
    if "in_seed" in checks:
        spec, allowed = checks["in_seed"], contract.seed_values(checks["in_seed"])
        if spec.get("match"):
            (own,) = spec["match"]
            out.append(
                gxe.ExpectColumnPairValuesToBeInSet(
                    column_A=own,
                    column_B=name,
                    value_pairs_set=allowed,
                    ignore_row_if="either_value_is_missing",
                )
            )
        elif spec.get("prefix"):
            prefixes = "|".join(allowed)
            out.append(gxe.ExpectColumnValuesToMatchRegex(column=name, regex=f"^(?:{prefixes})"))
        else:
            out.append(gxe.ExpectColumnValuesToBeInSet(column=name, value_set=allowed))
    if "range" in checks:
        low, high = checks["range"]
        out.append(
            gxe.ExpectColumnValuesToBeBetween(
                column=_derived(name, "integer"), min_value=low, max_value=high
            )
        )
    for bound in ("within_window", "not_after_window"):
        if bound in checks:
            start, end = contract.window(checks[bound])
            out.append(
                gxe.ExpectColumnValuesToBeBetween(
                    column=_derived(name, "date"),
                    min_value=None if bound == "not_after_window" else pd.Timestamp(start),
                    max_value=pd.Timestamp(end),
                )
            )
    if "not_before" in checks:
        out.append(
            gxe.ExpectColumnPairValuesAToBeGreaterThanB(
                column_A=_derived(name, "date"),
                column_B=_derived(checks["not_before"], "date"),
                or_equal=True,
                ignore_row_if="either_value_is_missing",
            )
        )
    return out


def raw_expectations(table: contract.Table, derived: list[str]) -> list:
    """The raw suite of one table, from its contract; ``derived`` are the columns read_raw added."""
    import great_expectations.expectations as gxe

    out: list = [
        gxe.ExpectTableColumnsToMatchSet(column_set=table.column_names + derived, exact_match=True)
    ]
    low, high = contract.date_span()
    for column in table.columns:
        if column.required:
            out.append(gxe.ExpectColumnValuesToNotBeNull(column=column.name))
    for column in table.columns:
        shape = contract.TYPE_SHAPES[column.type]
        if shape:
            regex = f"^(?:{shape})$"
            out.append(gxe.ExpectColumnValuesToMatchRegex(column=column.name, regex=regex))
        if column.type in ("date", "timestamp"):
            out.append(
                gxe.ExpectColumnValuesToBeBetween(
                    column=_derived(column.name, "date"),
                    min_value=pd.Timestamp(low),
                    max_value=pd.Timestamp(high),
                )
            )
        for rule in column.rules:
            out.extend(rule_expectations(table, rule))
    if table.key:
        out.append(gxe.ExpectColumnValuesToBeUnique(column=table.key))
    return out


def derive_columns(table: contract.Table, frame: pd.DataFrame) -> list[str]:
    """Add the typed columns and identifier verdicts the suite checks; return their names."""
    derived = []
    for column in table.columns:
        if column.name not in frame.columns:
            continue
        values = frame[column.name]
        if column.type in contract.DATE_FORMATS:
            name = _derived(column.name, "date")
            frame[name] = pd.to_datetime(
                values, format=contract.DATE_FORMATS[column.type], errors="coerce"
            ).dt.normalize()
            derived.append(name)
        elif column.type == "integer" and any("range" in r.checks for r in column.rules):
            name = _derived(column.name, "integer")
            frame[name] = pd.to_numeric(values.str.strip(), errors="coerce").astype("Int64")
            derived.append(name)
        for rule in column.rules:
            if "identifier" in rule.checks:
                valid = contract.identifier_validator(rule.checks["identifier"])
                verdicts = {v: valid(v) for v in values.dropna().unique()}
                name = _derived(column.name, rule.rule)
                frame[name] = values.map(verdicts)
                derived.append(name)
    return derived


def raw_file(raw_dir: Path, table: str) -> tuple[Path | None, str]:
    csv_path, parquet_path = raw_dir / f"{table}.csv", raw_dir / f"{table}.parquet"
    if csv_path.exists():
        reader = (
            f"read_csv({duckdb_file_literal(csv_path)}, header = true, all_varchar = true, "
            "delim = ',', quote = '\"', escape = '\"')"
        )
        return csv_path, reader
    if parquet_path.exists():
        return parquet_path, f"read_parquet({duckdb_file_literal(parquet_path)})"
    return None, ""


def read_raw(
    con: duckdb.DuckDBPyConnection, reader: str, table: contract.Table, sample_rows: int | None
) -> tuple[pd.DataFrame, int]:
    """The file as text, sampled by a hash of its primary key above sample_rows rows."""
    (total,) = con.execute(f"select count(*) from {reader}").fetchone()
    where = ""
    if sample_rows and total > sample_rows:
        names = [r[0] for r in con.execute(f"describe select * from {reader}").fetchall()]
        key = table.key if table.key in names else None
        hashed = f'hash("{key}")' if key else "hash(columns(*))"
        where = f" where {hashed} % {total} < {sample_rows}"
    frame = con.execute(f"select columns(*)::varchar from {reader}{where}").df()
    return frame, total


def run_raw(context, raw_dir: Path, sample_rows: int | None) -> list[SuiteOutcome]:
    outcomes = []
    with duckdb.connect() as con:
        for table in contract.tables().values():
            name = f"raw.{table.name}"
            path, reader = raw_file(raw_dir, table.name)
            if path is None:
                outcome = SuiteOutcome(name=name, kind="raw", evaluated=1, failures=1)
                outcome.failed.append(
                    f"no file {table.name}.csv or {table.name}.parquet in {raw_dir}"
                )
                outcomes.append(outcome)
                continue
            frame, total = read_raw(con, reader, table, sample_rows)
            if len(frame) < total:
                note = f"sample of {len(frame):,} of {total:,} rows"
            else:
                note = f"{total:,} rows"
            derived = derive_columns(table, frame)
            expectations = raw_expectations(table, derived)
            outcomes.append(validate(context, name, "raw", expectations, frame, note))
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
                column="source_table", value_set=sorted(contract.tables())
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
