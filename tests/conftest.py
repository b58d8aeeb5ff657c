"""Shared fixtures. PostgreSQL tests use the real server (never a mock):
``CLINIC_TEST_PG_URL`` or ``postgresql://postgres@127.0.0.1:5432/postgres``; each
test database is created fresh and dropped afterwards. Without a server they
skip with a loud reason."""

from __future__ import annotations

import os
import sys
import uuid
from collections.abc import Iterator
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
if str(ROOT) not in sys.path:
    sys.path.insert(0, str(ROOT))

PG_ADMIN_URL = os.environ.get("CLINIC_TEST_PG_URL", "postgresql://postgres@127.0.0.1:5432/postgres")


def _with_db(url: str, db: str) -> str:
    base, _, _ = url.rpartition("/")
    return f"{base}/{db}"


@pytest.fixture(scope="session")
def pg_admin_url() -> str:
    import psycopg

    try:
        with psycopg.connect(PG_ADMIN_URL, connect_timeout=3) as con:
            con.execute("SELECT 1")
    except Exception as exc:  # any failure means "no server here"
        msg = f"PostgreSQL NOT AVAILABLE at {PG_ADMIN_URL} ({exc.__class__.__name__}): PostgreSQL tests SKIPPED"
        print(f"\n!!! {msg}", file=sys.stderr)
        pytest.skip(msg)
    return PG_ADMIN_URL


@pytest.fixture
def pg_url(pg_admin_url: str) -> Iterator[str]:
    """URL of a fresh, empty database on the real server, dropped after the test."""
    import psycopg

    name = f"clinic_test_{uuid.uuid4().hex[:10]}"
    with psycopg.connect(pg_admin_url, autocommit=True) as con:
        con.execute(f'CREATE DATABASE "{name}"')
    try:
        yield _with_db(pg_admin_url, name)
    finally:
        with psycopg.connect(pg_admin_url, autocommit=True) as con:
            con.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
