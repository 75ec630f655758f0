"""`raw_line` is the row's position in its file; the quarantine keeps a key's first copy by it."""


def test_raw_line_follows_file_order(warehouse):
    # The generator numbers declarations D0000000001, D0000000002, … in file order.
    mismatched, total = warehouse.execute(
        """
        select
            count_if(cast(substring(declaration_id, 2) as bigint) <> raw_line),
            count(*)
        from staging.base_dpae__hire_declarations
        """
    ).fetchone()
    assert total > 100_000
    assert mismatched == 0
