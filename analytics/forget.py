"""``python -m analytics forget``: the LGPD right to be forgotten.

Erases one lead (found by id or phone) from every local DuckDB store the application
keeps (``data/*.duckdb``, ``data/cache/*.duckdb`` plus any ``--store``), removes the
prepared caches beside each store and bumps its ``data_version`` so no cached copy
survives; with ``--source URL --allow-source-writes`` it also deletes the lead from the
PostgreSQL source (foreign keys cascade). One audit line is appended to
``<data-dir>/audit/forget.log`` with hashed ids only: no phone, name or raw id.
"""

from __future__ import annotations

import hashlib
import json
import re
import shutil
import sys
import uuid
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from analytics.errors import InputError, SourceError

#: Child tables keyed by ``lead_id`` (deleted before ``leads``).
LEAD_CHILDREN = ("lead_status_history", "lead_touchpoints", "procedure_bookings", "lead_interactions")
#: Tables keyed by ``conversation_id`` of the lead's conversations (deleted before ``conversations``).
CONVERSATION_CHILDREN = ("feedback", "llm_interactions", "conversation_messages")


@dataclass(frozen=True)
class StoreResult:
    path: str
    rows: int  # rows removed, all tables together


def normalize_phone(raw: str) -> set[str]:
    """Digit-only phone variants to match: as given, and with/without Brazil's ``55`` prefix."""
    digits = re.sub(r"\D", "", raw or "")
    if len(digits) < 8:
        raise InputError("--phone needs at least 8 digits")
    out = {digits}
    if digits.startswith("55") and len(digits) >= 12:
        out.add(digits[2:])
    elif len(digits) in (10, 11):
        out.add("55" + digits)
    return out


def id_hash(lead_id: str) -> str:
    """First 16 hex of sha256 of the canonical id (audit pseudonym)."""
    return hashlib.sha256(lead_id.encode()).hexdigest()[:16]


def default_stores(data_dir: Path) -> list[Path]:
    return sorted({*data_dir.glob("*.duckdb"), *(data_dir / "cache").glob("*.duckdb")})


def _store_lead_ids(con: Any, lead_id: str | None, phones: set[str]) -> set[str]:
    if lead_id is not None:
        rows = con.execute("SELECT CAST(id AS VARCHAR) FROM leads WHERE CAST(id AS VARCHAR) = ?", [lead_id])
    else:
        rows = con.execute(
            "SELECT CAST(id AS VARCHAR) FROM leads "
            "WHERE list_contains(?, regexp_replace(coalesce(phone, ''), '[^0-9]', '', 'g'))",
            [sorted(phones)],
        )
    return {r[0] for r in rows.fetchall()}


def forget_in_store(path: Path, lead_id: str | None, phones: set[str]) -> tuple[set[str], int]:
    """Delete the lead(s) from one store in one transaction; returns (lead ids found, rows removed).

    With ``lead_id`` orphan child rows carrying that id are removed even if ``leads`` lacks it.
    """
    from analytics.sources.store import Store

    with Store(path) as store:
        con = store.con
        ids = _store_lead_ids(con, lead_id, phones)
        ids_to_delete = ids | {lead_id} if lead_id is not None else ids
        if not ids_to_delete:
            return ids, 0
        removed = 0
        con.execute("BEGIN TRANSACTION")
        try:
            con.execute("CREATE OR REPLACE TEMP TABLE _forget_leads (id VARCHAR)")
            con.executemany("INSERT INTO _forget_leads VALUES (?)", [[i] for i in sorted(ids_to_delete)])
            con.execute(
                "CREATE OR REPLACE TEMP TABLE _forget_convs AS SELECT CAST(id AS VARCHAR) AS id FROM conversations "
                "WHERE CAST(lead_id AS VARCHAR) IN (SELECT id FROM _forget_leads)"
            )
            for table in LEAD_CHILDREN:
                removed += _delete(con, table, "lead_id", "_forget_leads")
            for table in CONVERSATION_CHILDREN:
                removed += _delete(con, table, "conversation_id", "_forget_convs")
            removed += _delete(con, "conversations", "id", "_forget_convs")
            removed += _delete(con, "leads", "id", "_forget_leads")
            if removed:
                store.set_meta("data_version", uuid.uuid4().hex)
            con.execute("DROP TABLE _forget_leads")
            con.execute("DROP TABLE _forget_convs")
            con.execute("COMMIT")
        except Exception:
            con.execute("ROLLBACK")
            raise
    if removed:
        shutil.rmtree(path.with_name(path.name + ".prepared"), ignore_errors=True)
    return ids, removed


def _delete(con: Any, table: str, column: str, keys: str) -> int:
    row = con.execute(f"DELETE FROM {table} WHERE CAST({column} AS VARCHAR) IN (SELECT id FROM {keys})").fetchone()
    return int(row[0]) if row else 0


def forget_in_source(url: str, lead_id: str | None, phones: set[str]) -> set[str]:
    """Delete the lead(s) from the PostgreSQL source in one transaction (FKs cascade); returns ids deleted."""
    import psycopg

    try:
        with psycopg.connect(url, connect_timeout=10) as con, con.transaction():
            if lead_id is not None:
                cur = con.execute("DELETE FROM leads WHERE id = ANY(%s::uuid[]) RETURNING id::text", [[lead_id]])
            else:
                cur = con.execute(
                    "DELETE FROM leads WHERE regexp_replace(coalesce(phone, ''), '[^0-9]', '', 'g') = ANY(%s) "
                    "RETURNING id::text",
                    [sorted(phones)],
                )
            return {r[0] for r in cur.fetchall()}
    except psycopg.Error as exc:
        first = str(exc).strip().splitlines()[0] if str(exc).strip() else exc.__class__.__name__
        raise SourceError(f"source delete failed (nothing changed there): {first}") from None


def write_audit(path: Path, ids: set[str], stores: list[str], source: bool) -> None:
    entry = {
        "at": datetime.now(UTC).isoformat(timespec="seconds"),
        "action": "forget",
        "leads": len(ids),
        "lead_id_hashes": sorted(id_hash(i) for i in ids),
        "stores": stores,
        "source": "yes" if source else "no",
    }
    path.parent.mkdir(parents=True, exist_ok=True)
    with path.open("a", encoding="utf-8") as fh:
        fh.write(json.dumps(entry, ensure_ascii=False) + "\n")


def _run(args: Any) -> int:
    lead_id: str | None = None
    phones: set[str] = set()
    if args.lead_id is not None:
        try:
            lead_id = str(uuid.UUID(args.lead_id))
        except ValueError:
            raise InputError("--lead-id is not a valid UUID") from None
    else:
        phones = normalize_phone(args.phone)
    if args.allow_source_writes and not args.source:
        raise InputError("--allow-source-writes needs --source postgresql://...")
    if args.source and not args.source.startswith(("postgresql://", "postgres://")):
        raise InputError("--source must be a postgresql:// URL")
    if args.source and not args.allow_source_writes:
        raise InputError("--source given without --allow-source-writes: add it to delete from the source")
    data_dir = Path(args.data_dir)
    extra = [Path(p) for p in args.store or []]
    for p in extra:
        if not p.is_file():
            raise InputError(f"store file not found: {p}")
    stores = sorted({p.resolve() for p in default_stores(data_dir) + extra})
    found: set[str] = set()
    results: list[StoreResult] = []
    for path in stores:
        ids, rows = forget_in_store(path, lead_id, phones)
        found |= ids
        results.append(StoreResult(str(path), rows))
        print(f"{path}: {rows} rows removed")
    source_ids: set[str] = set()
    if args.allow_source_writes:
        source_ids = forget_in_source(args.source, lead_id, phones)
        print(f"source: {len(source_ids)} lead(s) removed (child rows cascade)")
    found |= source_ids
    if not found and not any(r.rows for r in results):
        print("lead not found in any store" + (" or in the source" if args.source else ""), file=sys.stderr)
        return 1
    if not found and lead_id is not None:
        found = {lead_id}  # only orphan child rows of this id existed
    audit = Path(args.audit) if args.audit else data_dir / "audit" / "forget.log"
    write_audit(audit, found, [r.path for r in results if r.rows], bool(source_ids))
    print(f"forgot {len(found)} lead(s); audit: {audit}")
    return 0


def register(subparsers: Any) -> None:
    """Add ``forget`` to the ``python -m analytics`` command line."""
    p = subparsers.add_parser(
        "forget",
        help="LGPD: erase one lead from every local store and cache (and the source, if allowed)",
        description="Erase a lead, found by id or phone, everywhere the application keeps data.",
    )
    who = p.add_mutually_exclusive_group(required=True)
    who.add_argument("--lead-id", default=None, help="the lead's UUID")
    who.add_argument("--phone", default=None, help="the lead's phone (digits; punctuation ignored)")
    p.add_argument("--store", action="append", help="extra DuckDB store file (repeatable)")
    p.add_argument("--data-dir", default="data", help="where stores live: <dir>/*.duckdb, <dir>/cache/*.duckdb")
    p.add_argument("--source", default=None, help="postgresql://... (deleted from only with --allow-source-writes)")
    p.add_argument("--allow-source-writes", action="store_true", help="also delete from the source, in cascade")
    p.add_argument("--audit", default=None, help="audit log file (default: <data-dir>/audit/forget.log)")
    p.set_defaults(run=_run)
