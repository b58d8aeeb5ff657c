"""Benchmark: PostgreSQL → DuckDB sync against PostgreSQL's own binary COPY (the physical limit).

    .venv/bin/python bench/sync.py [--messages 5000000] [--db clinic_bench] [--rebuild]

1. Builds (or reuses) database ``clinic_bench`` with ~``--messages`` contract-shaped messages,
   filled server-side (``INSERT ... SELECT generate_series``; foreign keys off for speed) over two
   years of history ending two hours ago; conversations are closed except the last few hundred.
2. Full sync into a fresh DuckDB store; times the ``conversation_messages`` table.
3. ``COPY (SELECT <same columns> FROM conversation_messages) TO STDOUT (FORMAT binary)`` read by a
   psycopg client that discards the bytes: what any client must at least pay to get the rows;
   and the same rows decoded by ADBC into Arrow and discarded (the sync minus DuckDB).
4. Inserts one hour of new activity (new leads, conversations, messages, LLM rows, status rows)
   plus in-place updates (conversations closing, leads converting, bookings attended, intents
   validated), then times the incremental sync.
Prints a markdown table.
"""

from __future__ import annotations

import argparse
import sys
import tempfile
import time
from pathlib import Path

import psycopg

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from analytics import schema  # noqa: E402
from analytics.sources.sync import sync  # noqa: E402

MSG_PER_CONV = 25
CONV_PER_LEAD = 2


def _fill(url: str, messages: int) -> None:
    n_conv = messages // MSG_PER_CONV
    n_leads = n_conv // CONV_PER_LEAD
    span = "interval '730 days'"
    end = "(now() - interval '2 hours')"
    lead_t = f"({end} - {span} * (1 - l::float8 / {n_leads}))"
    conv_t = f"least({end} - interval '1 hour', {lead_t} + (c % 2) * interval '2 days')"
    steps = [
        "INSERT INTO users SELECT md5('user'||u)::uuid, 'Pessoa '||u, "
        "(ARRAY['secretary','manager','admin','marketing'])[1 + u % 4], ARRAY['ortodontia','implante'], "
        "(30 + u)::numeric(12,2), true, now() - interval '800 days' FROM generate_series(0, 19) u",
        "INSERT INTO marketing_campaigns SELECT md5('camp'||k)::uuid, 'Campanha '||k, "
        "(ARRAY['instagram','facebook','google_ads'])[1 + k % 3], (1000 + k * 10.5)::numeric(12,2), "
        "(now() - interval '700 days')::date + k * 20, (now() - interval '700 days')::date + k * 20 + 30, k "
        "FROM generate_series(0, 29) k",
        f"INSERT INTO leads SELECT md5('lead'||l)::uuid, '55119'||lpad(l::text, 8, '0'), 'Lead '||l, "
        f"(ARRAY['instagram','facebook','google_ads','site','referral'])[1 + l % 5], "
        f"CASE WHEN l % 3 = 0 THEN md5('camp'||(l % 30))::uuid END, "
        f"(ARRAY['ortodontia','implante','clareamento','limpeza'])[1 + l % 4], l % 101, "
        f"(ARRAY['new','engaged','qualified','scheduled','lost'])[1 + l % 5], md5('user'||(l % 20))::uuid, "
        f"{lead_t}, CASE WHEN l % 5 = 3 THEN {lead_t} + interval '3 days' END, "
        f"CASE WHEN l % 5 = 4 THEN 'preco' END FROM generate_series(0, {n_leads - 1}) l",
        f"INSERT INTO lead_status_history SELECT md5('lead'||l)::uuid, "
        f"(ARRAY['new','engaged','qualified'])[s], {lead_t} + (s - 1) * interval '1 hour' "
        f"FROM generate_series(0, {n_leads - 1}) l, generate_series(1, 3) s",
        f"INSERT INTO lead_touchpoints SELECT md5('lead'||l)::uuid, 'instagram', md5('camp'||(l % 30))::uuid, "
        f"{lead_t} - interval '1 day' FROM generate_series(0, {n_leads - 1}) l",
        f"INSERT INTO conversations SELECT md5('conv'||c)::uuid, md5('lead'||(c / 2))::uuid, "
        f"CASE WHEN c >= {n_conv - 300} THEN 'bot' ELSE 'closed' END, 'primeira_consulta', {conv_t}, "
        f"CASE WHEN c % 4 = 0 THEN {conv_t} + interval '10 minutes' END, "
        f"CASE WHEN c % 4 = 0 THEN 'pedido_do_cliente' END, "
        f"CASE WHEN c % 4 = 0 THEN md5('user'||(c % 20))::uuid END, "
        f"CASE WHEN c < {n_conv - 300} THEN {conv_t} + interval '1 hour' END "
        f"FROM (SELECT c, c / 2 AS l FROM generate_series(0, {n_conv - 1}) c) g",
        f"INSERT INTO conversation_messages SELECT i, md5('conv'||(i / {MSG_PER_CONV}))::uuid, "
        f"CASE WHEN i % 2 = 0 THEN 'inbound' ELSE 'outbound' END, "
        f"CASE WHEN i % 2 = 0 THEN 'lead' WHEN i % 7 = 0 THEN 'human' ELSE 'bot' END, "
        f"CASE WHEN i % 2 = 1 AND i % 7 = 0 THEN md5('user'||(i % 20))::uuid END, "
        f"'mensagem '||i||' sobre o procedimento '||md5(i::text), "
        f"c.started_at + (i % {MSG_PER_CONV}) * interval '2 minutes' "
        f"FROM generate_series(0, {n_conv * MSG_PER_CONV - 1}) i "
        f"JOIN conversations c ON c.id = md5('conv'||(i / {MSG_PER_CONV}))::uuid",
        "INSERT INTO llm_interactions SELECT m.id, m.conversation_id, m.id, 'agendar', 0.8, "
        "CASE WHEN m.id % 40 = 0 THEN 'agendar' END, 100, 20, 300, 'm1', m.created_at + interval '1 second' "
        "FROM conversation_messages m WHERE m.id % 4 = 0",
        f"INSERT INTO lead_interactions SELECT l, md5('lead'||l)::uuid, md5('user'||(l % 20))::uuid, 'call', "
        f"'answered', 60, {lead_t} + interval '1 day' FROM generate_series(0, {n_leads - 1}, 2) l",
        f"INSERT INTO feedback SELECT c, md5('conv'||c)::uuid, 1 + c % 5, c % 11, NULL, {conv_t} + interval '2 hours' "
        f"FROM (SELECT c, c / 2 AS l FROM generate_series(0, {n_conv - 1}, 3) c) g",
        f"INSERT INTO procedure_bookings SELECT md5('book'||l)::uuid, md5('lead'||l)::uuid, 'implante', 500.00, "
        f"{lead_t} + interval '3 days', {lead_t} + interval '10 days', "
        f"CASE WHEN {lead_t} + interval '10 days' > now() THEN 'booked' ELSE 'attended' END "
        f"FROM generate_series(3, {n_leads - 1}, 5) l",
    ]
    with psycopg.connect(url, autocommit=True) as con:
        con.execute(schema.postgres_ddl(foreign_keys=False))
        for sql in steps:
            t = time.perf_counter()
            con.execute(sql)
            print(f"  filled {sql.split()[2]} in {time.perf_counter() - t:.1f} s", file=sys.stderr, flush=True)
        con.execute("VACUUM ANALYZE")


def _one_hour(url: str) -> dict[str, int]:
    """One hour of activity on top of the history, plus in-place updates; returns what changed.

    Rows are stamped just before ``now()`` (after the previous sync), as they would be in a real
    hourly run; the volumes (10 leads, 12 conversations, 300 messages, 75 LLM rows) are one hour
    of the ~5M-message history.
    """
    with psycopg.connect(url) as con:
        max_msg = con.execute("SELECT max(id) FROM conversation_messages").fetchone()[0]
        max_llm = con.execute("SELECT max(id) FROM llm_interactions").fetchone()[0]
        tag = str(max_msg)
        con.execute(
            "INSERT INTO leads (id, channel, status, created_at) "
            "SELECT md5('newlead'||%s||k)::uuid, 'site', 'new', now() - k * interval '100 milliseconds' "
            "FROM generate_series(1, 10) k",
            (tag,),
        )
        con.execute(
            "INSERT INTO lead_status_history SELECT md5('newlead'||%s||k)::uuid, 'new', "
            "now() - k * interval '100 milliseconds' FROM generate_series(1, 10) k",
            (tag,),
        )
        con.execute(
            "INSERT INTO conversations (id, lead_id, status, started_at) "
            "SELECT md5('newconv'||%s||k)::uuid, md5('newlead'||%s||k)::uuid, 'bot', "
            "now() - k * interval '100 milliseconds' "
            "FROM generate_series(1, 12) k",
            (tag, tag),
        )
        con.execute(
            "INSERT INTO conversation_messages SELECT %s + i, md5('newconv'||%s||(1 + i %% 12))::uuid, 'inbound', "
            "'lead', NULL, 'nova mensagem', now() - (i %% 60) * interval '10 milliseconds' "
            "FROM generate_series(1, 300) i",
            (max_msg, tag),
        )
        con.execute(
            "INSERT INTO llm_interactions (id, conversation_id, message_id, intent, created_at) "
            "SELECT %s + i, md5('newconv'||%s||(1 + i %% 12))::uuid, %s + i, 'preco', now() "
            "FROM generate_series(1, 75) i",
            (max_llm, tag, max_msg),
        )
        closed = con.execute(
            "UPDATE conversations SET status = 'closed', closed_at = now() WHERE id IN "
            "(SELECT id FROM conversations WHERE status = 'bot' AND started_at < now() - interval '1 hour' LIMIT 5)"
        ).rowcount
        converted = con.execute(
            "UPDATE leads SET status = 'scheduled', converted_at = now() WHERE id IN "
            "(SELECT lead_id FROM conversations WHERE status = 'bot' AND started_at < now() - interval '1 hour' "
            "LIMIT 2)"
        ).rowcount
        con.execute(
            "INSERT INTO lead_status_history SELECT id, 'scheduled', now() FROM leads "
            "WHERE status = 'scheduled' AND converted_at > now() - interval '1 minute' AND converted_at <= now()"
        )
        attended = con.execute(
            "UPDATE procedure_bookings SET status = 'attended' WHERE id IN "
            "(SELECT id FROM procedure_bookings WHERE status = 'booked' LIMIT 3)"
        ).rowcount
        validated = con.execute(
            "UPDATE llm_interactions SET validated_intent = 'preco' WHERE id IN (SELECT id FROM llm_interactions "
            "WHERE validated_intent IS NULL AND created_at > now() - interval '20 days' LIMIT 5)"
        ).rowcount
    return {"closed": closed, "converted": converted, "attended": attended, "validated": validated}


def _raw_copy(url: str) -> tuple[int, float, int]:
    cols = ", ".join(schema.column_names("conversation_messages"))
    t = time.perf_counter()
    size = 0
    with psycopg.connect(url) as con, con.cursor() as cur:
        with cur.copy(f"COPY (SELECT {cols} FROM conversation_messages) TO STDOUT (FORMAT binary)") as cp:
            for chunk in cp:
                size += len(chunk)
        rows = cur.execute("SELECT count(*) FROM conversation_messages").fetchone()[0]
    return rows, time.perf_counter() - t, size


def _same_counts(url: str, store: Path) -> bool:
    import duckdb

    with psycopg.connect(url) as pg, duckdb.connect(str(store), read_only=True) as duck:
        for table in schema.LOAD_ORDER:
            a = pg.execute(f"SELECT count(*) FROM {table}").fetchone()[0]
            b = duck.execute(f"SELECT count(*) FROM {table}").fetchone()[0]
            if a != b:
                print(f"  count mismatch {table}: PostgreSQL {a}, DuckDB {b}", file=sys.stderr)
                return False
    return True


def _adbc_only(url: str) -> float:
    """The same rows read through ADBC into Arrow batches and discarded (no DuckDB)."""
    from analytics.sources.postgres import PostgresSource

    t = time.perf_counter()
    with PostgresSource.open(url, validate=False) as src:
        for _ in src.scan("conversation_messages"):
            pass
    return time.perf_counter() - t


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--admin", default="postgresql://postgres@127.0.0.1:5432/postgres")
    ap.add_argument("--db", default="clinic_bench")
    ap.add_argument("--messages", type=int, default=5_000_000)
    ap.add_argument("--rebuild", action="store_true")
    ap.add_argument("--repeat", type=int, default=3)
    args = ap.parse_args()
    url = args.admin.rpartition("/")[0] + "/" + args.db
    with psycopg.connect(args.admin, autocommit=True) as con:
        exists = con.execute("SELECT 1 FROM pg_database WHERE datname = %s", (args.db,)).fetchone()
        if exists and args.rebuild:
            con.execute(f'DROP DATABASE "{args.db}" WITH (FORCE)')
            exists = None
        if not exists:
            con.execute(f'CREATE DATABASE "{args.db}"')
    if not exists:
        t = time.perf_counter()
        _fill(url, args.messages)
        print(f"  filled in {time.perf_counter() - t:.0f} s", file=sys.stderr)

    fulls, copies, incs, adbcs = [], [], [], []
    with tempfile.TemporaryDirectory() as tmp:
        for k in range(args.repeat):  # alternate, keep the best: the machine may be shared
            store = Path(tmp) / f"bench{k}.duckdb"
            fulls.append(sync(url, store, full=True))
            copies.append(_raw_copy(url))
            adbcs.append(_adbc_only(url))
            if k < args.repeat - 1:
                store.unlink()
        for _ in range(args.repeat):
            changes = _one_hour(url)
            incs.append(sync(url, store))
        same = _same_counts(url, store)

    full = min(fulls, key=lambda r: r.tables["conversation_messages"].seconds)
    msgs = full.tables["conversation_messages"]
    rows, copy_s, size = min(copies, key=lambda c: c[1])
    assert rows == msgs.fetched, (rows, msgs.fetched)
    inc = sorted(incs, key=lambda r: r.seconds)[len(incs) // 2]  # median
    ratio = copy_s / msgs.seconds
    print(f"\nsource: {args.db}, {rows:,} messages ({size / 1e6:,.0f} MB binary COPY); best of {args.repeat}\n")
    print("| measure | rows | seconds | rows/s |")
    print("|---|---:|---:|---:|")
    print(
        f"| full sync, conversation_messages (PG → Arrow → DuckDB) | {msgs.fetched:,} | {msgs.seconds:.2f} "
        f"| {msgs.rows_per_s:,.0f} |"
    )
    print(f"| PostgreSQL binary COPY to a client (bytes discarded) | {rows:,} | {copy_s:.2f} | {rows / copy_s:,.0f} |")
    adbc_s = min(adbcs)
    print(f"| ADBC read into Arrow only (no DuckDB) | {rows:,} | {adbc_s:.2f} | {rows / adbc_s:,.0f} |")
    print(f"| full sync, all 11 tables | {sum(t.fetched for t in full.tables.values()):,} | {full.seconds:.2f} | |")
    print(
        f"| incremental sync after one hour of activity (median of {len(incs)}) "
        f"| {sum(t.fetched for t in inc.tables.values()):,} read, {sum(t.changed for t in inc.tables.values()):,} "
        f"changed | {inc.seconds:.3f} | |"
    )
    print(
        f"\nratio sync / COPY limit (rows/s): **{ratio:.2f}** (target ≥ 0.8); "
        f"incremental {inc.seconds * 1000:.0f} ms (all: {', '.join(f'{r.seconds * 1000:.0f}' for r in incs)} ms; "
        "target well under 1 s)"
    )
    print(f"updates applied at the source per hour: {changes}")
    print(f"after the incremental syncs, every table has the same row count in PostgreSQL and DuckDB: {same}")
    print("\nincremental report (median run):")
    for line in inc.lines():
        print("    " + line)


if __name__ == "__main__":
    main()
