"""LGPD forget command: a lead and all its child rows disappear from stores, caches and source."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from analytics import schema
from analytics.cli import main
from analytics.forget import id_hash, normalize_phone
from analytics.generator import generate
from analytics.sources.resolve import load_tables
from analytics.sources.store import Store

LEAD_KEYED = ("lead_status_history", "lead_touchpoints", "procedure_bookings", "lead_interactions", "conversations")
CONV_KEYED = ("feedback", "llm_interactions", "conversation_messages")


@pytest.fixture(scope="module")
def tiny_template(tmp_path_factory: pytest.TempPathFactory) -> Path:
    d = tmp_path_factory.mktemp("tpl")
    generate(str(d / "s.duckdb"), size="tiny", truth_path=d / "t.json")
    return d / "s.duckdb"


@pytest.fixture
def store_path(tmp_path: Path, tiny_template: Path) -> Path:
    path = tmp_path / "s.duckdb"
    path.write_bytes(tiny_template.read_bytes())
    with Store(path, read_only=True) as s:
        load_tables(s)  # writes <store>.prepared/
    assert (tmp_path / "s.duckdb.prepared").is_dir()
    return path


def _counts(path: Path) -> dict[str, int]:
    with Store(path, read_only=True) as s:
        return {t: s.con.execute(f"SELECT count(*) FROM {t}").fetchone()[0] for t in schema.LOAD_ORDER}


def _lead_rows(path: Path, lead_id: str) -> dict[str, int]:
    """Rows of ``lead_id`` (directly or through its conversations) per table."""
    with Store(path, read_only=True) as s:
        q = lambda sql: s.con.execute(sql, [lead_id]).fetchone()[0]  # noqa: E731
        out = {"leads": q("SELECT count(*) FROM leads WHERE CAST(id AS VARCHAR) = ?")}
        for t in LEAD_KEYED:
            out[t] = q(f"SELECT count(*) FROM {t} WHERE CAST(lead_id AS VARCHAR) = ?")
        for t in CONV_KEYED:
            out[t] = q(
                f"SELECT count(*) FROM {t} WHERE conversation_id IN "
                "(SELECT id FROM conversations WHERE CAST(lead_id AS VARCHAR) = ?)"
            )
    return out


def _pick_lead(path: Path) -> tuple[str, str]:
    """A lead with conversations and messages: (id, phone)."""
    with Store(path, read_only=True) as s:
        row = s.con.execute(
            "SELECT CAST(l.id AS VARCHAR), l.phone FROM leads l JOIN conversations c ON c.lead_id = l.id "
            "JOIN conversation_messages m ON m.conversation_id = c.id GROUP BY 1, 2 ORDER BY count(*) DESC LIMIT 1"
        ).fetchone()
    return row[0], row[1]


def _args(tmp_path: Path, store: Path, *who: str) -> list[str]:
    return ["forget", *who, "--store", str(store), "--data-dir", str(tmp_path / "nodata")]


def test_forget_by_phone_removes_lead_everywhere(tmp_path: Path, store_path: Path, capsys) -> None:
    lead_id, phone = _pick_lead(store_path)
    before_rows = _lead_rows(store_path, lead_id)
    assert before_rows["leads"] == 1 and before_rows["conversation_messages"] > 0
    before = _counts(store_path)
    with Store(store_path, read_only=True) as s:
        version = s.version()
    formatted = f"+{phone[:2]} ({phone[2:4]}) {phone[4:9]}-{phone[9:]}"  # punctuation is ignored

    assert main(_args(tmp_path, store_path, "--phone", formatted)) == 0

    out = capsys.readouterr().out
    assert phone not in out and lead_id not in out
    assert all(v == 0 for v in _lead_rows(store_path, lead_id).values())
    after = _counts(store_path)
    # every table lost exactly this lead's rows; users/campaigns and other leads untouched
    for t in schema.LOAD_ORDER:
        assert after[t] == before[t] - before_rows.get(t, 0), t
    assert not (tmp_path / "s.duckdb.prepared").exists()
    with Store(store_path, read_only=True) as s:
        assert s.version() != version
    log = (tmp_path / "nodata" / "audit" / "forget.log").read_text()
    entry = json.loads(log.strip())
    assert entry["action"] == "forget" and entry["leads"] == 1 and entry["source"] == "no"
    assert entry["lead_id_hashes"] == [id_hash(lead_id)]
    assert entry["stores"] == [str(store_path.resolve())]
    assert phone not in log and lead_id not in log and phone[4:] not in log


def test_forget_by_id_and_default_discovery(tmp_path: Path, store_path: Path) -> None:
    # store found through --data-dir (data/*.duckdb), no --store given
    lead_id, _ = _pick_lead(store_path)
    audit = tmp_path / "a.log"
    code = main(["forget", "--lead-id", lead_id.upper(), "--data-dir", str(tmp_path), "--audit", str(audit)])
    assert code == 0
    assert all(v == 0 for v in _lead_rows(store_path, lead_id).values())
    assert json.loads(audit.read_text())["lead_id_hashes"] == [id_hash(lead_id)]
    # second time: nothing left → not found, status 1
    assert main(["forget", "--lead-id", lead_id, "--data-dir", str(tmp_path), "--audit", str(audit)]) == 1
    assert len(audit.read_text().splitlines()) == 1


def test_unknown_phone_is_status_1(tmp_path: Path, store_path: Path, capsys) -> None:
    before = _counts(store_path)
    assert main(_args(tmp_path, store_path, "--phone", "00 0000-0000")) == 1
    assert "not found" in capsys.readouterr().err
    assert _counts(store_path) == before
    assert (tmp_path / "s.duckdb.prepared").is_dir()  # nothing erased, cache kept
    assert not (tmp_path / "nodata" / "audit").exists()


@pytest.mark.parametrize(
    "extra",
    [
        ["--lead-id", "not-a-uuid"],
        ["--phone", "12-34"],
        ["--phone", "5511999998888", "--allow-source-writes"],
        ["--phone", "5511999998888", "--source", "mysql://x"],
        ["--phone", "5511999998888", "--store", "/nonexistent/x.duckdb"],
    ],
)
def test_bad_arguments_exit_2(tmp_path: Path, extra: list[str], capsys) -> None:
    assert main(["forget", "--data-dir", str(tmp_path), *extra]) == 2
    assert capsys.readouterr().err.startswith("error: ")


def test_normalize_phone_variants() -> None:
    assert normalize_phone("+55 (11) 99999-8888") == {"5511999998888", "11999998888"}
    assert normalize_phone("(11) 99999-8888") == {"11999998888", "5511999998888"}


@pytest.mark.postgres
def test_forget_in_source_cascades(tmp_path: Path, pg_url: str, store_path: Path) -> None:
    import psycopg

    generate(pg_url, size="tiny", truth_path=tmp_path / "pg.json")
    with psycopg.connect(pg_url) as con:
        lead_id, phone = con.execute(
            "SELECT l.id::text, l.phone FROM leads l JOIN conversations c ON c.lead_id = l.id "
            "JOIN conversation_messages m ON m.conversation_id = c.id GROUP BY 1, 2 ORDER BY count(*) DESC LIMIT 1"
        ).fetchone()
        leads_before = con.execute("SELECT count(*) FROM leads").fetchone()[0]
    audit = tmp_path / "a.log"
    args = ["forget", "--phone", phone, "--store", str(store_path), "--data-dir", str(tmp_path / "nodata")]
    assert main([*args, "--source", pg_url, "--allow-source-writes", "--audit", str(audit)]) == 0
    with psycopg.connect(pg_url) as con:
        one = lambda sql: con.execute(sql, [lead_id]).fetchone()[0]  # noqa: E731
        assert one("SELECT count(*) FROM leads WHERE id = %s::uuid") == 0
        for t in LEAD_KEYED:
            assert one(f"SELECT count(*) FROM {t} WHERE lead_id = %s::uuid") == 0, t
        assert con.execute("SELECT count(*) FROM leads").fetchone()[0] == leads_before - 1
        # no orphan conversation children left anywhere (cascade through conversations)
        for t in CONV_KEYED:
            orphans = con.execute(
                f"SELECT count(*) FROM {t} x LEFT JOIN conversations c ON c.id = x.conversation_id "
                "WHERE x.conversation_id IS NOT NULL AND c.id IS NULL"
            ).fetchone()[0]
            assert orphans == 0, t
    entry = json.loads(audit.read_text())
    assert entry["source"] == "yes" and entry["lead_id_hashes"] == [id_hash(lead_id)]
