"""Source validation errors, URL handling, store resolution and the ``sync`` CLI."""

from __future__ import annotations

import argparse
import warnings
from pathlib import Path

import duckdb
import psycopg
import pytest

from analytics import schema
from analytics.errors import SourceError
from analytics.sources import resolve
from analytics.sources.postgres import PostgresSource, describe, redact
from analytics.sources.store import Store
from analytics.sources.sync import register, sync


# -- pure helpers -------------------------------------------------------------------------
def test_redact_and_describe_never_show_the_password() -> None:
    url = "postgresql://bot:s3cr3t@db.clinic:6543/clinic?sslmode=require"
    assert redact(url) == "postgresql://bot@db.clinic:6543/clinic?sslmode=require"
    assert describe(url) == "db.clinic:6543/clinic"
    assert redact("postgresql://bot@h/db") == "postgresql://bot@h/db"


def test_cache_path_ignores_the_password(tmp_path: Path) -> None:
    a = resolve.cache_path("postgresql://u:one@h:5432/db", tmp_path)
    b = resolve.cache_path("postgresql://u:two@h:5432/db", tmp_path)
    c = resolve.cache_path("postgresql://u@h:5432/other", tmp_path)
    assert a == b != c and a.suffix == ".duckdb" and len(a.stem) == 12


def test_source_url_from_env_then_secrets(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    secrets = tmp_path / "secrets.toml"
    monkeypatch.delenv("CLINIC_DATABASE_URL", raising=False)
    assert resolve.source_url_from_env(secrets) is None
    secrets.write_text('[connections.clinic]\nurl = "postgresql://u@h/from_secrets"\n')
    assert resolve.source_url_from_env(secrets) == "postgresql://u@h/from_secrets"
    monkeypatch.setenv("CLINIC_DATABASE_URL", "postgresql://u@h/from_env")
    assert resolve.source_url_from_env(secrets) == "postgresql://u@h/from_env"


def test_bad_url_scheme_is_a_clear_error(tmp_path: Path) -> None:
    with pytest.raises(SourceError, match=r"^source URL must start with postgresql://"):
        sync("mysql://root:pw@127.0.0.1/db", tmp_path / "s.duckdb")
    with pytest.raises(SourceError, match="unknown source"):
        resolve.open_store("sqlite:///x.db", cache_dir=tmp_path)


def test_unreachable_server_names_host_without_password(tmp_path: Path) -> None:
    with pytest.raises(SourceError) as err:
        sync("postgresql://postgres:hunter2@127.0.0.1:5999/db", tmp_path / "s.duckdb")
    assert str(err.value) == "cannot connect to PostgreSQL at 127.0.0.1:5999/db: connection refused"
    assert "hunter2" not in str(err.value)


# -- validation against the real server ------------------------------------------------------
@pytest.fixture
def empty_source(pg_url: str) -> str:
    with psycopg.connect(pg_url) as con:
        con.execute(schema.postgres_ddl())
    return pg_url


def _alter(url: str, sql: str) -> None:
    with psycopg.connect(url) as con:
        con.execute(sql)


@pytest.mark.postgres
@pytest.mark.parametrize(
    ("ddl", "message"),
    [
        ("DROP TABLE leads CASCADE", "source is missing table 'leads'"),
        ("ALTER TABLE leads DROP COLUMN channel", "table leads is missing column 'channel'"),
        (
            "ALTER TABLE leads ALTER COLUMN created_at TYPE text",
            "column leads.created_at has type text, expected timestamptz",
        ),
        ("ALTER TABLE users ALTER COLUMN skills TYPE text", "column users.skills has type text, expected text[]"),
        (
            "ALTER TABLE lead_interactions ALTER COLUMN duration_seconds TYPE text",
            "column lead_interactions.duration_seconds has type text, expected integer",
        ),
    ],
)
def test_bad_source_gives_one_line_error(empty_source: str, tmp_path: Path, ddl: str, message: str) -> None:
    _alter(empty_source, ddl)
    with pytest.raises(SourceError) as err:
        sync(empty_source, tmp_path / "s.duckdb")
    assert str(err.value) == message


@pytest.mark.postgres
def test_missing_database_is_a_clear_error(pg_url: str, tmp_path: Path) -> None:
    url = pg_url.rpartition("/")[0] + "/no_such_db_xyz"
    with pytest.raises(SourceError, match=r'cannot connect to PostgreSQL at .*/no_such_db_xyz: database "no_such'):
        sync(url, tmp_path / "s.duckdb")


@pytest.mark.postgres
def test_absent_new_table_is_read_as_empty_with_a_warning(empty_source: str, tmp_path: Path) -> None:
    _alter(empty_source, "DROP TABLE feedback; DROP TABLE procedure_bookings")
    with psycopg.connect(empty_source) as con:
        con.execute("INSERT INTO users (id, name) VALUES (gen_random_uuid(), 'x')")
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        report = sync(empty_source, tmp_path / "s.duckdb")
    assert sorted(str(w.message) for w in caught) == [
        "source has no table 'feedback' (new table): treated as empty",
        "source has no table 'procedure_bookings' (new table): treated as empty",
    ]
    assert report.tables["users"].inserted == 1 and report.tables["feedback"].fetched == 0
    with Store(tmp_path / "s.duckdb", read_only=True) as st:
        assert st.read("feedback").height == 0 and "procedure_bookings" in st.tables()
    with pytest.warns(UserWarning), PostgresSource.open(empty_source) as src:  # returns the tables present
        assert src.present == set(schema.TABLES) - {"feedback", "procedure_bookings"}


# -- resolve ------------------------------------------------------------------------------
@pytest.mark.postgres
def test_open_store_syncs_a_postgres_url_into_the_cache(empty_source: str, tmp_path: Path) -> None:
    with psycopg.connect(empty_source) as con:
        con.execute("INSERT INTO leads (id, phone, name, channel) VALUES (gen_random_uuid(), '5511', 'N', 'site')")
    with resolve.open_store(empty_source, cache_dir=tmp_path) as st:
        assert Path(st.path) == resolve.cache_path(empty_source, tmp_path)
        tables = resolve.load_tables(st)
        assert set(tables) == set(schema.TABLES)
        assert tables["leads"].height == 1
        assert "phone" not in tables["leads"].columns and "name" not in tables["leads"].columns
        assert "content" not in tables["conversation_messages"].columns
        with pytest.raises(duckdb.Error):  # read-only
            st.con.execute("DELETE FROM leads")
    with psycopg.connect(empty_source) as con:
        con.execute("INSERT INTO leads (id, channel, created_at) VALUES (gen_random_uuid(), 'site', now())")
    with resolve.open_store(empty_source, cache_dir=tmp_path, refresh=False) as st:
        assert st.read("leads").height == 1  # no refresh: cached data
    with resolve.open_store(empty_source, cache_dir=tmp_path) as st:
        assert st.read("leads").height == 2


def test_open_store_duckdb_file_creates_missing_new_tables(tmp_path: Path) -> None:
    path = tmp_path / "x.duckdb"
    with duckdb.connect(str(path)) as con:
        con.execute(schema.duckdb_ddl())
        con.execute("DROP TABLE feedback")
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        with resolve.open_store(str(path)) as st:
            assert "feedback" in st.tables() and st.read("feedback").height == 0
    assert any("feedback" in str(w.message) for w in caught)


def test_open_store_duckdb_file_missing_existing_table(tmp_path: Path) -> None:
    path = tmp_path / "x.duckdb"
    with duckdb.connect(str(path)) as con:
        con.execute(schema.duckdb_ddl())
        con.execute("DROP TABLE leads")
    with pytest.raises(SourceError, match="source is missing table 'leads'"):
        resolve.open_store(str(path))
    with pytest.raises(SourceError, match="store file not found"):
        resolve.open_store(str(tmp_path / "absent.duckdb"))


# -- CLI ----------------------------------------------------------------------------------
def _cli(argv: list[str]) -> argparse.Namespace:
    parser = argparse.ArgumentParser()
    register(parser.add_subparsers(dest="command", required=True))
    return parser.parse_args(argv)


@pytest.mark.postgres
def test_sync_cli_prints_one_line_per_table(
    empty_source: str, tmp_path: Path, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("CLINIC_DATABASE_URL", empty_source)
    args = _cli(["sync", "--store", str(tmp_path / "d" / "s.duckdb")])
    assert args.full is False and args.source is None
    assert args.run(args) == 0
    out = capsys.readouterr().out.splitlines()
    assert len(out) == len(schema.TABLES) + 1
    assert out[0].startswith("users ") and out[-1].startswith("incremental sync from postgresql://")
    args = _cli(["sync", "--source", empty_source, "--store", str(tmp_path / "d" / "s.duckdb"), "--full"])
    assert args.full and args.run(args) == 0


@pytest.mark.postgres
def test_sync_cli_default_store_is_the_one_the_app_reads(
    empty_source: str, tmp_path: Path, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.chdir(tmp_path)  # data/cache/ is relative to the working directory, as for the app
    args = _cli(["sync", "--source", empty_source])
    assert args.run(args) == 0
    assert resolve.cache_path(empty_source).is_file()
    with resolve.open_store(empty_source, refresh=False) as st:  # the app's path finds that store
        assert st.path == str(resolve.cache_path(empty_source))


@pytest.mark.postgres
def test_open_store_serves_last_data_when_the_store_is_busy(empty_source: str, tmp_path: Path) -> None:
    with resolve.open_store(empty_source, cache_dir=tmp_path) as reader:  # a reader keeps the file open
        with psycopg.connect(empty_source) as con:
            con.execute("INSERT INTO leads (id, channel, created_at) VALUES (gen_random_uuid(), 'site', now())")
        with pytest.warns(UserWarning, match="busy"), resolve.open_store(empty_source, cache_dir=tmp_path) as st:
            assert st.read("leads").height == 0  # stale but readable
        assert reader.read("leads").height == 0
    with resolve.open_store(empty_source, cache_dir=tmp_path) as st:  # reader gone: the sync catches up
        assert st.read("leads").height == 1


@pytest.mark.slow
def test_open_store_demo_builds_it_once(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    generator = pytest.importorskip("analytics.generator")
    calls: list[str] = []
    real = generator.generate

    def tiny(target: str, size: str = "demo", **kw: object) -> object:
        calls.append(size)
        return real(target, size="tiny", truth_path=tmp_path / "truth.json")

    monkeypatch.setattr(generator, "generate", tiny)
    monkeypatch.setattr(resolve, "DEMO_PATH", tmp_path / "demo.duckdb")
    with resolve.open_store("demo") as st:
        assert st.read("leads").height > 0
    with resolve.open_store("demo") as st:
        assert st.read("conversation_messages").height > 0
    assert calls == ["demo"]


def test_a_bad_source_does_not_create_the_store(tmp_path: Path) -> None:
    with pytest.raises(SourceError):
        sync("postgresql://postgres@127.0.0.1:5999/db", tmp_path / "s.duckdb")
    assert not (tmp_path / "s.duckdb").exists()
