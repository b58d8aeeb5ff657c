"""The bot database contract (shared/spec/source-schema.md) as one declaration.

Both the PostgreSQL DDL (source) and the DuckDB DDL (local analytics store) are
generated from ``TABLES`` so the two can never drift apart.
"""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class Column:
    name: str
    pg: str  # PostgreSQL type
    duck: str  # DuckDB type
    nullable: bool = True


def _c(name: str, pg: str, duck: str | None = None, *, null: bool = True) -> Column:
    return Column(name, pg, duck or pg.upper(), null)


UUID = "uuid"
TSTZ = "timestamptz"
MONEY = "numeric(12,2)"

TABLES: dict[str, tuple[Column, ...]] = {
    "users": (
        _c("id", UUID, "UUID", null=False),
        _c("name", "text", "VARCHAR"),
        _c("role", "text", "VARCHAR"),
        _c("skills", "text[]", "VARCHAR[]"),
        _c("hourly_cost", MONEY, "DECIMAL(12,2)"),
        _c("active", "boolean", "BOOLEAN"),
        _c("created_at", TSTZ, "TIMESTAMPTZ"),
    ),
    "leads": (
        _c("id", UUID, "UUID", null=False),
        _c("phone", "text", "VARCHAR"),
        _c("name", "text", "VARCHAR"),
        _c("channel", "text", "VARCHAR"),
        _c("campaign_id", UUID, "UUID"),
        _c("procedure_interest", "text", "VARCHAR"),
        _c("maturity_score", "integer", "INTEGER"),
        _c("status", "text", "VARCHAR"),
        _c("assigned_to", UUID, "UUID"),
        _c("created_at", TSTZ, "TIMESTAMPTZ"),
        _c("converted_at", TSTZ, "TIMESTAMPTZ"),
        _c("lost_reason", "text", "VARCHAR"),
    ),
    "lead_status_history": (
        _c("lead_id", UUID, "UUID", null=False),
        _c("status", "text", "VARCHAR"),
        _c("changed_at", TSTZ, "TIMESTAMPTZ"),
    ),
    "conversations": (
        _c("id", UUID, "UUID", null=False),
        _c("lead_id", UUID, "UUID"),
        _c("status", "text", "VARCHAR"),
        _c("playbook", "text", "VARCHAR"),
        _c("started_at", TSTZ, "TIMESTAMPTZ"),
        _c("transferred_at", TSTZ, "TIMESTAMPTZ"),
        _c("transfer_reason", "text", "VARCHAR"),
        _c("assigned_to", UUID, "UUID"),
        _c("closed_at", TSTZ, "TIMESTAMPTZ"),
    ),
    "conversation_messages": (
        _c("id", "bigint", "BIGINT", null=False),
        _c("conversation_id", UUID, "UUID"),
        _c("direction", "text", "VARCHAR"),
        _c("sender_type", "text", "VARCHAR"),
        _c("sender_id", UUID, "UUID"),
        _c("content", "text", "VARCHAR"),
        _c("created_at", TSTZ, "TIMESTAMPTZ"),
    ),
    "llm_interactions": (
        _c("id", "bigint", "BIGINT", null=False),
        _c("conversation_id", UUID, "UUID"),
        _c("message_id", "bigint", "BIGINT"),
        _c("intent", "text", "VARCHAR"),
        _c("confidence", "real", "REAL"),
        _c("validated_intent", "text", "VARCHAR"),
        _c("tokens_prompt", "integer", "INTEGER"),
        _c("tokens_completion", "integer", "INTEGER"),
        _c("latency_ms", "integer", "INTEGER"),
        _c("model", "text", "VARCHAR"),
        _c("created_at", TSTZ, "TIMESTAMPTZ"),
    ),
    "lead_interactions": (
        _c("id", "bigint", "BIGINT", null=False),
        _c("lead_id", UUID, "UUID"),
        _c("user_id", UUID, "UUID"),
        _c("type", "text", "VARCHAR"),
        _c("outcome", "text", "VARCHAR"),
        _c("duration_seconds", "integer", "INTEGER"),
        _c("created_at", TSTZ, "TIMESTAMPTZ"),
    ),
    "feedback": (
        _c("id", "bigint", "BIGINT", null=False),
        _c("conversation_id", UUID, "UUID"),
        _c("csat_score", "integer", "INTEGER"),
        _c("nps_score", "integer", "INTEGER"),
        _c("comment", "text", "VARCHAR"),
        _c("created_at", TSTZ, "TIMESTAMPTZ"),
    ),
    "marketing_campaigns": (
        _c("id", UUID, "UUID", null=False),
        _c("name", "text", "VARCHAR"),
        _c("channel", "text", "VARCHAR"),
        _c("cost", MONEY, "DECIMAL(12,2)"),
        _c("started_at", "date", "DATE"),
        _c("ended_at", "date", "DATE"),
        _c("leads_generated", "integer", "INTEGER"),
    ),
    "lead_touchpoints": (
        _c("lead_id", UUID, "UUID", null=False),
        _c("channel", "text", "VARCHAR"),
        _c("campaign_id", UUID, "UUID"),
        _c("touched_at", TSTZ, "TIMESTAMPTZ"),
    ),
    "procedure_bookings": (
        _c("id", UUID, "UUID", null=False),
        _c("lead_id", UUID, "UUID"),
        _c("procedure", "text", "VARCHAR"),
        _c("value", MONEY, "DECIMAL(12,2)"),
        _c("booked_at", TSTZ, "TIMESTAMPTZ"),
        _c("scheduled_for", TSTZ, "TIMESTAMPTZ"),
        _c("status", "text", "VARCHAR"),
    ),
}

#: Primary keys; ``None`` where the contract declares none (append-only tables).
PRIMARY_KEYS: dict[str, str | None] = {
    "users": "id",
    "leads": "id",
    "lead_status_history": None,
    "conversations": "id",
    "conversation_messages": "id",
    "llm_interactions": "id",
    "lead_interactions": "id",
    "feedback": "id",
    "marketing_campaigns": "id",
    "lead_touchpoints": None,
    "procedure_bookings": "id",
}

#: Foreign keys declared in the PostgreSQL DDL: (table, column) -> referenced table.
FOREIGN_KEYS: dict[tuple[str, str], str] = {
    ("leads", "campaign_id"): "marketing_campaigns",
    ("leads", "assigned_to"): "users",
    ("lead_status_history", "lead_id"): "leads",
    ("conversations", "lead_id"): "leads",
    ("conversations", "assigned_to"): "users",
    ("conversation_messages", "conversation_id"): "conversations",
    ("conversation_messages", "sender_id"): "users",
    ("llm_interactions", "conversation_id"): "conversations",
    ("llm_interactions", "message_id"): "conversation_messages",
    ("lead_interactions", "lead_id"): "leads",
    ("lead_interactions", "user_id"): "users",
    ("feedback", "conversation_id"): "conversations",
    ("lead_touchpoints", "lead_id"): "leads",
    ("procedure_bookings", "lead_id"): "leads",
}

#: Tables the analytics design adds; the application must work when they are empty.
NEW_TABLES = ("feedback", "marketing_campaigns", "lead_touchpoints", "procedure_bookings")

#: Load order that satisfies the foreign keys.
LOAD_ORDER = (
    "users",
    "marketing_campaigns",
    "leads",
    "lead_status_history",
    "conversations",
    "conversation_messages",
    "llm_interactions",
    "lead_interactions",
    "feedback",
    "lead_touchpoints",
    "procedure_bookings",
)


def column_names(table: str) -> list[str]:
    return [c.name for c in TABLES[table]]


def postgres_ddl(*, foreign_keys: bool = True) -> str:
    """CREATE TABLE statements for the bot database (PostgreSQL), in load order.

    Foreign keys use ``ON DELETE CASCADE`` so the LGPD "forget" removes a lead
    everywhere with a single delete.
    """
    out: list[str] = []
    for table in LOAD_ORDER:
        lines = []
        for col in TABLES[table]:
            line = f"    {col.name} {col.pg}"
            if PRIMARY_KEYS[table] == col.name:
                line += " PRIMARY KEY"
            elif not col.nullable:
                line += " NOT NULL"
            ref = FOREIGN_KEYS.get((table, col.name))
            if ref and foreign_keys:
                action = "CASCADE" if col.name in ("lead_id", "conversation_id") else "SET NULL"
                line += f" REFERENCES {ref}(id) ON DELETE {action}"
            lines.append(line)
        out.append(f"CREATE TABLE IF NOT EXISTS {table} (\n" + ",\n".join(lines) + "\n);")
    out.append(
        "CREATE INDEX IF NOT EXISTS conversation_messages_created_at ON conversation_messages (created_at);\n"
        "CREATE INDEX IF NOT EXISTS conversation_messages_conversation ON conversation_messages (conversation_id);\n"
        "CREATE INDEX IF NOT EXISTS lead_status_history_lead ON lead_status_history (lead_id, changed_at);\n"
        "CREATE INDEX IF NOT EXISTS conversations_lead ON conversations (lead_id);\n"
        "CREATE INDEX IF NOT EXISTS conversations_started_at ON conversations (started_at);\n"
        "CREATE INDEX IF NOT EXISTS leads_created_at ON leads (created_at);\n"
        # incremental sync reads these by timestamp watermark
        "CREATE INDEX IF NOT EXISTS lead_status_history_changed_at ON lead_status_history (changed_at);\n"
        "CREATE INDEX IF NOT EXISTS lead_touchpoints_touched_at ON lead_touchpoints (touched_at);\n"
        "CREATE INDEX IF NOT EXISTS procedure_bookings_booked_at ON procedure_bookings (booked_at);"
    )
    return "\n\n".join(out) + "\n"


def duckdb_ddl() -> str:
    """CREATE TABLE statements for the local DuckDB store (same names and columns).

    No foreign keys or primary-key constraints: the store is a replica that the
    sync rewrites in bulk, and the source already enforces them.
    """
    out = []
    for table in LOAD_ORDER:
        cols = ",\n".join(f"    {c.name} {c.duck}" for c in TABLES[table])
        out.append(f"CREATE TABLE IF NOT EXISTS {table} (\n{cols}\n);")
    return "\n\n".join(out) + "\n"
