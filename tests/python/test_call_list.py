"""The call-list export: one agency's prospects, in call order, with the reason for each."""

import csv
import os
from pathlib import Path

from smallfirms import call_list

DATABASE = Path(os.environ.get("DUCKDB_PATH", "data/test/warehouse.duckdb"))


def test_call_list_of_one_agency_is_its_prospects_in_rank_order(warehouse, tmp_path):
    agency, expected = warehouse.execute(
        """
        select code_agence, count(*) from marts.prospect_targeting
        where is_prospect group by code_agence order by count(*) desc, code_agence limit 1
        """
    ).fetchone()
    out = tmp_path / "calls.csv"
    assert call_list.export_call_list(DATABASE, out, agency) == expected
    with out.open(encoding="utf-8") as handle:
        rows = list(csv.DictReader(handle))
    assert [int(row["rank_in_agency"]) for row in rows] == list(range(1, expected + 1))
    assert {row["code_agence"] for row in rows} == {agency}
    assert all(row["targeting_reason"].startswith("Prospect") for row in rows)


def test_unknown_agency_exits_1(tmp_path):
    out = tmp_path / "none.csv"
    assert (
        call_list.main(["--database", str(DATABASE), "--agency", "00000", "--out", str(out)]) == 1
    )
