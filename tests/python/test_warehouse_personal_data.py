"""Raw NIRs never leave staging: no built column is a NIR, no text value looks like one."""

NIR_SHAPE = r"^[12][0-9]{2}(0[1-9]|1[0-2]|[2-9][0-9])([0-9]{2}|2A|2B)[0-9]{8}$"


def _relations(con, schemas):
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


def test_no_column_named_nir_outside_raw(warehouse):
    rows = warehouse.execute(
        "select table_schema, table_name from information_schema.columns "
        "where lower(column_name) = 'nir' and table_schema <> 'raw'"
    ).fetchall()
    assert rows == []


def test_no_nir_shaped_value_in_built_tables(warehouse):
    schemas = ["staging", "marts"]
    columns = _relations(warehouse, schemas)
    assert columns, "no text column found: the warehouse was not built"
    leaks = []
    for schema, table, column in columns:
        (n,) = warehouse.execute(
            f'select count(*) from "{schema}"."{table}" where regexp_full_match("{column}", ?)',
            [NIR_SHAPE],
        ).fetchone()
        if n:
            leaks.append(f"{schema}.{table}.{column}: {n}")
    assert leaks == []


def test_the_scan_finds_nirs_where_they_are(warehouse):
    # The scan above proves nothing unless the same pattern finds the NIRs of the raw file.
    (n,) = warehouse.execute(
        "select count(*) from raw.hire_declarations where regexp_full_match(nir, ?)", [NIR_SHAPE]
    ).fetchone()
    assert n > 0
