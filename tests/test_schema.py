import duckdb
import psycopg
import pytest

from analytics import schema


def test_every_table_has_load_order_and_key() -> None:
    assert set(schema.LOAD_ORDER) == set(schema.TABLES) == set(schema.PRIMARY_KEYS)


def test_duckdb_ddl_creates_contract_columns() -> None:
    con = duckdb.connect()
    con.execute(schema.duckdb_ddl())
    for table, cols in schema.TABLES.items():
        got = [r[0] for r in con.execute(f"DESCRIBE {table}").fetchall()]
        assert got == [c.name for c in cols]


@pytest.mark.postgres
def test_postgres_ddl_matches_contract_types(pg_url: str) -> None:
    with psycopg.connect(pg_url, autocommit=True) as con:
        con.execute(schema.postgres_ddl())
        rows = con.execute(
            "SELECT table_name, column_name, format_type(a.atttypid, a.atttypmod) "
            "FROM information_schema.columns c JOIN pg_attribute a "
            "ON a.attrelid = c.table_name::regclass AND a.attname = c.column_name "
            "WHERE c.table_schema = 'public'"
        ).fetchall()
    got = {(t, c): ty for t, c, ty in rows}
    expected = {
        "uuid": "uuid",
        "timestamptz": "timestamp with time zone",
        "numeric(12,2)": "numeric(12,2)",
        "text[]": "text[]",
        "text": "text",
        "bigint": "bigint",
        "integer": "integer",
        "real": "real",
        "boolean": "boolean",
        "date": "date",
    }
    for table, cols in schema.TABLES.items():
        for c in cols:
            assert got[(table, c.name)] == expected[c.pg], (table, c.name)
