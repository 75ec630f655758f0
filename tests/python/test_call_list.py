"""The call-list export: one agency's list at capacity (or every prospect), in call order, with
the priority flag, the expected hires and the reason on each row."""

import csv

from worlds import TEST_WAREHOUSE

from smallfirms import call_list
from smallfirms.project import project_vars


def test_call_list_of_one_agency_is_its_prospects_in_rank_order(warehouse, tmp_path):
    agency, expected = warehouse.execute(
        """
        select code_agence, count(*) from marts.prospect_targeting
        where is_prospect group by code_agence order by count(*) desc, code_agence limit 1
        """
    ).fetchone()
    capacity = int(project_vars()["calls_per_agency"])
    out, every = tmp_path / "calls.csv", tmp_path / "all.csv"
    assert call_list.export_call_list(TEST_WAREHOUSE, out, agency) == min(expected, capacity)
    assert call_list.export_call_list(TEST_WAREHOUSE, every, agency, all_prospects=True) == expected
    with out.open(encoding="utf-8") as handle:
        rows = list(csv.DictReader(handle))
    with every.open(encoding="utf-8") as handle:
        all_rows = list(csv.DictReader(handle))
    assert [int(row["rank_in_agency"]) for row in all_rows] == list(range(1, expected + 1))
    assert rows == all_rows[:capacity]
    assert {row["code_agence"] for row in rows} == {agency}
    assert all(row["targeting_reason"].startswith("Prospect") for row in rows)
    assert all(row["is_priority_prospect"] in ("true", "false") for row in rows)
    # called by expected hires over the next six months, highest first
    expected_hires = [float(row["expected_hires_next_6_months"]) for row in all_rows]
    assert expected_hires == sorted(expected_hires, reverse=True)


def test_unknown_agency_exits_1(tmp_path):
    out = tmp_path / "none.csv"
    assert (
        call_list.main(["--database", str(TEST_WAREHOUSE), "--agency", "00000", "--out", str(out)])
        == 1
    )
