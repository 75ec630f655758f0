"""The raw-data contract, read from where it is written once: ``config.meta.contract`` in the
dbt sources YAML (``models/staging/<source>/_<source>__sources.yml``).

A table's contract names its primary key (``duplicate_id``) and whether it must not be empty. A
column's contract gives its ``type`` (text, date, timestamp, integer, boolean: a value that does
not parse breaks ``bad_type``; a date or timestamp outside vars ``contract_min_date`` …
``contract_max_date`` breaks ``date_order``), ``required`` (``missing_value``) and an ordered
list of ``rules``. Each rule has an id (the ``rule`` written in ``rejected_rows``) and one or more
checks, all of which must hold:

``identifier``        siren, siret or nir: the identifier rules of the contract
``pattern``           a regular expression the whole value must match
``in_seed``           the value is in a column of a seed (``where``: the seed's rows to use;
                      ``prefix``: compare the value's first characters; ``match``: other columns of
                      the row that must equal the seed row's)
``references``        a foreign key: the value exists in another raw table's staged rows
``range``             an integer between two bounds
``within_window``     a date inside a window of the calendar seed
``not_after_window``  a date on or before the end of a window of the calendar seed
``not_before``        a date not before another date column of the row
``prefix_of``         the value equals the first ``length`` characters of another column
``required_when``     not NULL on the rows where a condition holds
``null_when``         NULL on the rows where a condition holds

A condition is ``{column, in: [values]}`` or ``{column, is_null: true|false}``. The consumers:
the quarantine macro (``macros/quarantine/contract_quarantine.sql``), the pre-flight check, the
great-expectations raw suites and the generator's conformance test.
"""

from __future__ import annotations

import sys
from dataclasses import dataclass
from functools import cache
from pathlib import Path
from typing import Any

import yaml

PROJECT_DIR = Path(__file__).resolve().parents[2]
SOURCES_GLOB = "models/staging/*/_*__sources.yml"
LOADER_COLUMNS = frozenset({"_raw_line"})
# The shape of each type's text (a full match; text has none). A value of another shape breaks
# `bad_type`; so does a date shape that is no calendar date (2017-02-30). Integers have at most 9
# digits: every engine holds them in a 32-bit integer without failing.
TYPE_SHAPES: dict[str, str | None] = {
    "text": None,
    "date": "[0-9]{4}-[0-9]{2}-[0-9]{2}",
    "timestamp": "[0-9]{4}-[0-9]{2}-[0-9]{2} [0-9]{2}:[0-9]{2}:[0-9]{2}",
    "integer": "-?[0-9]{1,9}",
    "boolean": "true|false",
}
TYPES = tuple(TYPE_SHAPES)
# A NIR's groups: sex, year, month, department (2A/2B in Corsica), commune, order, key. The shape,
# not the validity (a wrong key is as personal as a right one); the build's log redaction reads
# them too (smallfirms.build).
NIR_GROUPS = (
    "[12]",
    "[0-9]{2}",
    "[0-9]{2}",
    "([0-9]{2}|2[ABab])",
    "[0-9]{3}",
    "[0-9]{3}",
    "[0-9]{2}",
)
# A NIR as a token anywhere in a text (spaces removed): its first 13 characters, an optional key,
# no digit right before or after. Whatever the column, such a value is masked in rejected_rows; a
# 14-digit SIRET does not match.
NIR_TOKEN = "(.*[^0-9])?" + "".join(NIR_GROUPS[:-1]) + f"({NIR_GROUPS[-1]})?([^0-9].*)?"
CHECKS = (
    "identifier",
    "pattern",
    "in_seed",
    "references",
    "range",
    "within_window",
    "not_after_window",
    "not_before",
    "prefix_of",
    "required_when",
    "null_when",
)


class ContractError(ValueError):
    """The contract itself is malformed (an unknown type or check, a rule without an id…)."""


@dataclass(frozen=True)
class Rule:
    rule: str
    column: str
    checks: dict[str, Any]


@dataclass(frozen=True)
class Column:
    name: str
    type: str
    required: bool
    personal_data: bool
    rules: tuple[Rule, ...]


@dataclass(frozen=True)
class Table:
    name: str
    source: str
    key: str | None
    not_empty: bool
    columns: tuple[Column, ...]
    # True when the table may also come as a folder NAME/ of delivery files YYYY-MM-DD.csv
    has_delivery_folder: bool = False

    @property
    def column_names(self) -> list[str]:
        return [c.name for c in self.columns]

    def column(self, name: str) -> Column:
        return next(c for c in self.columns if c.name == name)

    @property
    def rules(self) -> list[Rule]:
        return [rule for column in self.columns for rule in column.rules]


def _meta(node: dict) -> dict:
    """The node's meta, from ``config.meta`` (dbt 1.10+) or the older top-level ``meta``."""
    return {**(node.get("meta") or {}), **((node.get("config") or {}).get("meta") or {})}


def _column(table: str, node: dict) -> Column:
    meta = _meta(node)
    spec = meta.get("contract") or {}
    kind = spec.get("type", "text")
    if kind not in TYPES:
        raise ContractError(f"{table}.{node['name']}: unknown type {kind!r}")
    rules = []
    for item in spec.get("rules") or []:
        checks = {k: v for k, v in item.items() if k != "rule"}
        unknown = set(checks) - set(CHECKS)
        if "rule" not in item or not checks or unknown:
            raise ContractError(f"{table}.{node['name']}: malformed rule {item!r}")
        rules.append(Rule(rule=item["rule"], column=node["name"], checks=checks))
    return Column(
        name=node["name"],
        type=kind,
        required=bool(spec.get("required", False)),
        personal_data=bool(meta.get("personal_data", False)),
        rules=tuple(rules),
    )


def parse(documents: list[dict]) -> dict[str, Table]:
    """Tables of sources YAML documents (already loaded), in file order."""
    tables: dict[str, Table] = {}
    for document in documents:
        for source in document.get("sources", []):
            for node in source.get("tables", []):
                spec = _meta(node).get("contract") or {}
                columns = tuple(
                    _column(node["name"], column)
                    for column in node.get("columns", [])
                    if column["name"] not in LOADER_COLUMNS
                )
                tables[node["name"]] = Table(
                    name=node["name"],
                    source=source["name"],
                    key=spec.get("key"),
                    not_empty=bool(spec.get("not_empty", False)),
                    columns=columns,
                    has_delivery_folder=_meta(node).get("deliveries") == "folder",
                )
    return tables


def load(project_dir: Path = PROJECT_DIR) -> dict[str, Table]:
    """The contract of every raw table, from the sources YAML files of ``project_dir``."""
    paths = sorted(project_dir.glob(SOURCES_GLOB))
    return parse([yaml.safe_load(p.read_text(encoding="utf-8")) for p in paths])


@cache
def tables() -> dict[str, Table]:
    """The project's contract (read once per process)."""
    return load()


# --- what the Python consumers need to evaluate rules ---------------------------------------------

SEEDS_DIR = PROJECT_DIR / "seeds"


def _identifier_validators() -> dict[str, Any]:
    from stdnum.fr import nir, siren, siret

    def strict(module):
        # stdnum forgives spaces and dots (compact); the contract does not.
        return lambda value: module.compact(value) == value and module.is_valid(value)

    return {"siren": strict(siren), "siret": strict(siret), "nir": strict(nir)}


def identifier_validator(kind: str):
    """A function str -> bool for an ``identifier`` check (python-stdnum, without its leniency)."""
    validators = _identifier_validators()
    if kind not in validators:
        raise ContractError(f"unknown identifier {kind!r}")
    return validators[kind]


@cache
def seed(name: str, seeds_dir: Path = SEEDS_DIR):
    """A seed as text (empty field = empty string)."""
    import pandas as pd

    return pd.read_csv(seeds_dir / f"{name}.csv", dtype=str, keep_default_na=False)


def seed_values(in_seed: dict[str, Any], seeds_dir: Path = SEEDS_DIR) -> list:
    """The allowed values of an ``in_seed`` check: plain values, or (match values…, value) tuples
    when it has ``match``."""
    frame = seed(in_seed["seed"], seeds_dir)
    for column, value in (in_seed.get("where") or {}).items():
        frame = frame[frame[column] == str(value)]
    match = list((in_seed.get("match") or {}).values())
    if match:
        return sorted(set(frame[[*match, in_seed["column"]]].itertuples(index=False, name=None)))
    return sorted(set(frame[in_seed["column"]]))


def window(name: str, seeds_dir: Path = SEEDS_DIR) -> tuple[str, str]:
    """(start_date, end_date) of a window of the calendar seed, as ISO text."""
    calendar = seed("experiment_calendar", seeds_dir)
    row = calendar[calendar["window_name"] == name]
    if row.empty:
        raise ContractError(f"no window {name!r} in the calendar seed")
    return row["start_date"].iloc[0], row["end_date"].iloc[0]


def date_span() -> tuple[str, str]:
    """The plausible span of every date (vars contract_min_date, contract_max_date)."""
    from smallfirms.project import project_vars

    variables = project_vars()
    return str(variables["contract_min_date"]), str(variables["contract_max_date"])


# --- the contract evaluated in pandas (the generator's conformance test) ------------------------

DATE_FORMATS = {"date": "%Y-%m-%d", "timestamp": "%Y-%m-%d %H:%M:%S"}


def _condition(frame, condition: dict[str, Any]):
    values = frame[condition["column"]]
    if "in" in condition:
        return values.isin([str(v) for v in condition["in"]])
    return values.isna() if condition["is_null"] else values.notna()


def _dates(values, kind: str):
    import pandas as pd

    return pd.to_datetime(values, format=DATE_FORMATS[kind], errors="coerce")


def _rule_broken(rule: Rule, table: Table, frame, frames):
    """True on the rows (value not NULL) that break ``rule``: any of its checks fails."""
    import pandas as pd

    values = frame[rule.column]
    kind = table.column(rule.column).type
    checks = rule.checks
    if "required_when" in checks:
        return values.isna() & _condition(frame, checks["required_when"])
    if "null_when" in checks:
        return values.notna() & _condition(frame, checks["null_when"])
    text = values.fillna("")
    broken = pd.Series(False, index=frame.index)
    if "identifier" in checks:
        valid = identifier_validator(checks["identifier"])
        unique = {v: valid(v) for v in text.unique()}
        broken |= ~text.map(unique)
    if "pattern" in checks:
        broken |= ~text.str.fullmatch(checks["pattern"])
    if "in_seed" in checks:
        spec = checks["in_seed"]
        allowed = seed_values(spec)
        if spec.get("match"):
            own = [frame[c] for c in spec["match"]]
            rows, allowed_rows = zip(*own, values, strict=True), set(allowed)
            broken |= ~pd.Series([row in allowed_rows for row in rows], index=frame.index)
        elif spec.get("prefix"):
            broken |= ~text.str[: int(spec["prefix"])].isin(allowed)
        else:
            broken |= ~text.isin(allowed)
    if "references" in checks:
        target = checks["references"]
        broken |= ~text.isin(set(frames[target["table"]][target["column"]].dropna()))
    if "range" in checks:
        low, high = checks["range"]
        number = pd.to_numeric(values, errors="coerce")
        broken |= ~number.between(low, high)
    if "within_window" in checks:
        start, end = window(checks["within_window"])
        broken |= ~_dates(values, kind).between(start, end)
    if "not_after_window" in checks:
        broken |= _dates(values, kind) > pd.Timestamp(window(checks["not_after_window"])[1])
    if "not_before" in checks:
        other = checks["not_before"]
        broken |= _dates(values, kind) < _dates(frame[other], table.column(other).type)
    if "prefix_of" in checks:
        spec = checks["prefix_of"]
        broken |= frame[spec["column"]].fillna("").str[: int(spec["length"])] != text
    return values.notna() & broken


def violations(table: Table, frames: dict) -> dict[tuple[str, str], int]:
    """(rule, column) -> number of rows of ``frames[table.name]`` (text, NULL as NaN) that break
    it; only the rules broken at least once. Every rule is counted on its own, not first-broken."""
    frame = frames[table.name]
    counts: dict[tuple[str, str], int] = {}

    def count(rule: str, column: str, broken) -> None:
        n = int(broken.sum())
        if n:
            counts[(rule, column)] = counts.get((rule, column), 0) + n

    low, high = date_span()
    for column in table.columns:
        values = frame[column.name]
        if column.required:
            count("missing_value", column.name, values.isna())
        if column.type in DATE_FORMATS:
            parsed = _dates(values, column.type)
            count("bad_type", column.name, values.notna() & parsed.isna())
            count("date_order", column.name, parsed.notna() & ~parsed.between(low, high))
        elif column.type == "integer":
            count(
                "bad_type",
                column.name,
                values.notna() & ~values.fillna("").str.fullmatch(TYPE_SHAPES["integer"]),
            )
        elif column.type == "boolean":
            shape = TYPE_SHAPES["boolean"]
            count("bad_type", column.name, values.notna() & ~values.fillna("").str.fullmatch(shape))
        for rule in column.rules:
            count(rule.rule, column.name, _rule_broken(rule, table, frame, frames))
    if table.key:
        count("duplicate_id", table.key, frame[table.key].duplicated() & frame[table.key].notna())
    return counts


# --- the dbt macro generated from the contract -------------------------------------------------

MACRO_PATH = Path("macros/quarantine/raw_data_contract.sql")
MACRO_HEADER = """\
{#- GENERATED from the sources YAML by `smallfirms contract --write` (make contract): do not edit.
    The raw-data contract as data, so that the quarantine can read it when dbt parses the project
    (its look-ups become dependencies) and in unit tests, where the graph is empty. -#}
{% macro raw_data_contract() -%}
{%- set contract -%}
"""
MACRO_FOOTER = """\
{%- endset -%}
{{ return(fromyaml(contract)) }}
{%- endmacro %}

{#- The shape of each type's text and of a text holding a NIR (regular expressions the whole text
    matches). -#}
{% macro raw_data_shapes() -%}
{%- set shapes -%}
"""
SHAPES_FOOTER = """\
{%- endset -%}
{{ return(fromyaml(shapes)) }}
{%- endmacro %}
"""


def as_data(contract: dict[str, Table]) -> dict[str, Any]:
    """The contract as plain data (what the macro returns)."""
    return {
        table.name: {
            "source": table.source,
            "key": table.key,
            "not_empty": table.not_empty,
            "columns": [
                {
                    "name": column.name,
                    "type": column.type,
                    "required": column.required,
                    "personal_data": column.personal_data,
                    "rules": [{"rule": rule.rule, **rule.checks} for rule in column.rules],
                }
                for column in table.columns
            ],
        }
        for table in contract.values()
    }


def macro_text(contract: dict[str, Table]) -> str:
    body = yaml.safe_dump(as_data(contract), sort_keys=False, default_flow_style=None, width=100)
    if "{{" in body or "{%" in body or "{#" in body:
        raise ContractError("the contract must not contain Jinja")
    shapes = {kind: shape for kind, shape in TYPE_SHAPES.items() if shape}
    shapes["nir_token"] = NIR_TOKEN
    shapes_body = yaml.safe_dump(shapes, sort_keys=False, width=100)
    return MACRO_HEADER + body + MACRO_FOOTER + shapes_body + SHAPES_FOOTER


def main(argv: list[str] | None = None) -> int:
    import argparse

    parser = argparse.ArgumentParser(
        description="Check or write the macro generated from the contract."
    )
    parser.add_argument("--write", action="store_true", help=f"(re)write {MACRO_PATH}")
    args = parser.parse_args(argv)
    path = PROJECT_DIR / MACRO_PATH
    text = macro_text(load())
    if args.write:
        path.write_text(text, encoding="utf-8")
        print(f"contract: wrote {MACRO_PATH} ({len(load())} tables)")
        return 0
    if not path.exists() or path.read_text(encoding="utf-8") != text:
        print(
            f"contract: {MACRO_PATH} is out of date with the sources YAML; run `make contract`",
            file=sys.stderr,
        )
        return 1
    print(f"contract: {MACRO_PATH} matches the sources YAML")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
