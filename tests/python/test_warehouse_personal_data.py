"""Raw NIRs never leave staging: no built column is a NIR, no text value looks like one."""

import duckdb
from worlds import TEST_PUBLISHED

NIR_SHAPE = r"^[12][0-9]{2}(0[1-9]|1[0-2]|[2-9][0-9])([0-9]{2}|2A|2B)[0-9]{8}$"


def _text_columns(con, schemas):
    return con.execute(
        f"""
        select table_schema, table_name, column_name
        from information_schema.columns
        where table_schema in ({", ".join("?" for _ in schemas)})
            and data_type = 'VARCHAR'
        order by all
        """,
        schemas,
    ).fetchall()


def _nir_shaped_values(con, schemas):
    columns = _text_columns(con, schemas)
    assert columns, f"no text column in {schemas}: nothing was built"
    leaks = []
    for schema, table, column in columns:
        (n,) = con.execute(
            f'select count(*) from "{schema}"."{table}" where regexp_full_match("{column}", ?)',
            [NIR_SHAPE],
        ).fetchone()
        if n:
            leaks.append(f"{schema}.{table}.{column}: {n}")
    return leaks


def test_no_column_named_nir_outside_raw(warehouse):
    rows = warehouse.execute(
        "select table_schema, table_name from information_schema.columns "
        "where lower(column_name) = 'nir' and table_schema <> 'raw'"
    ).fetchall()
    assert rows == []


def test_no_nir_shaped_value_in_built_tables(warehouse):
    assert _nir_shaped_values(warehouse, ["staging", "intermediate", "marts"]) == []


def test_no_nir_shaped_value_in_the_published_file():
    assert TEST_PUBLISHED.exists(), f"{TEST_PUBLISHED}: not published; run `make test-build` first"
    with duckdb.connect(str(TEST_PUBLISHED), read_only=True) as con:
        schemas = [
            s
            for (s,) in con.execute(
                "select distinct table_schema from information_schema.columns"
            ).fetchall()
        ]
        assert _nir_shaped_values(con, schemas) == []


def test_the_scan_finds_nirs_where_they_are(warehouse):
    # The scans above prove nothing unless the same pattern finds the NIRs of the raw file.
    assert _nir_shaped_values(warehouse, ["raw"]) != []
