"""BI's role on Postgres: `bi_reader` reads the marts and nothing else (dbt `grants` on the marts,
usage on their schema from the on-run-end hook). Needs the warehouse of `make test-postgres`."""

from __future__ import annotations

import pytest

pytestmark = pytest.mark.postgres

READER = "bi_reader"


@pytest.fixture()
def as_reader():
    import psycopg2

    connection = psycopg2.connect()
    connection.autocommit = True
    with connection.cursor() as cursor:
        # The server's superuser takes the role: privileges are then bi_reader's alone.
        cursor.execute(f"set role {READER}")
        yield cursor
    connection.close()


def test_reader_reads_every_mart(as_reader) -> None:
    as_reader.execute(
        "select table_name from information_schema.tables where table_schema = 'marts'"
    )
    marts = [name for (name,) in as_reader.fetchall()]
    assert "prospect_targeting" in marts and len(marts) >= 10, marts
    for mart in marts:
        as_reader.execute(f"select count(*) from marts.{mart}")
        assert as_reader.fetchone()[0] >= 0


@pytest.mark.parametrize(
    "relation",
    [
        "staging.stg_sirene__establishments",
        "staging.base_dpae__hire_declarations",
        "intermediate.int_establishments_targeted",
        "raw.hire_declarations",
        "seeds.regions",
    ],
)
def test_reader_cannot_read_outside_marts(as_reader, relation: str) -> None:
    import psycopg2.errors

    with pytest.raises(psycopg2.errors.InsufficientPrivilege, match="permission denied"):
        as_reader.execute(f"select count(*) from {relation}")


def test_reader_cannot_write_a_mart(as_reader) -> None:
    import psycopg2.errors

    with pytest.raises(psycopg2.errors.InsufficientPrivilege, match="permission denied"):
        as_reader.execute("delete from marts.agency_pairs")
