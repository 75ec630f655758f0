"""The identifier examples that test the SQL macros are themselves right (python-stdnum)."""

import csv
from pathlib import Path

import pytest
from stdnum.fr import nir, siren, siret

EXAMPLES = Path(__file__).resolve().parents[2] / "seeds" / "examples" / "identifier_examples.csv"
VALIDATORS = {"siren": siren, "siret": siret, "nir": nir}


def _examples() -> list[dict[str, str]]:
    with EXAMPLES.open(encoding="utf-8") as handle:
        return list(csv.DictReader(handle))


def test_every_kind_has_valid_and_invalid_examples():
    seen = {(row["identifier_kind"], row["is_valid"]) for row in _examples()}
    assert seen == {(kind, flag) for kind in VALIDATORS for flag in ("true", "false")}


@pytest.mark.parametrize(
    "row", _examples(), ids=lambda row: f"{row['identifier_kind']}-{row['identifier']}"
)
def test_stdnum_agrees_with_example(row):
    expected = row["is_valid"] == "true"
    assert VALIDATORS[row["identifier_kind"]].is_valid(row["identifier"]) is expected
