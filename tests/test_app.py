"""Streamlit app tests (AppTest): every page × role, refusals, masking, login and friendly errors.

The store is a tiny generated one (seed 42), selected with ``CLINIC_SOURCE``. Login is simulated
by pre-setting ``authentication_status`` / ``username`` in ``AppTest.session_state`` — the
same keys streamlit-authenticator writes after a password check; a browser cannot set them.
The role still comes from auth.yaml.
"""

from __future__ import annotations

import json
from pathlib import Path

import duckdb
import polars as pl
import pytest

pytest.importorskip("streamlit")
from streamlit.testing.v1 import AppTest

ROOT = Path(__file__).resolve().parent.parent
PAGES = {
    "inicio": "ui/landing.py",
    "executivo": "pages/executivo.py",
    "operacoes": "pages/operacoes.py",
    "marketing": "pages/marketing.py",
    "ia": "pages/ia.py",
    "secretaria": "pages/secretaria.py",
}
USERS = {"admin": "admin", "gerente": "manager", "marketing": "marketing", "secretaria": "secretary"}
ALLOWED = {
    "admin": set(PAGES),
    "manager": {"inicio", "operacoes", "ia", "secretaria"},
    "marketing": {"inicio", "marketing"},
    "secretary": {"inicio", "secretaria"},
}
REFUSAL = "Acesso negado"


@pytest.fixture(scope="module")
def store(tmp_path_factory: pytest.TempPathFactory) -> Path:
    from analytics.generator import generate

    path = tmp_path_factory.mktemp("app") / "t.duckdb"
    generate(str(path), size="tiny")
    return path


@pytest.fixture(scope="module")
def lead_pii(store: Path) -> tuple[list[str], list[str]]:
    """Full names (≥ 2 words, not a staff name) and phones of the store's leads."""
    con = duckdb.connect(str(store), read_only=True)
    rows = con.sql("SELECT name, phone FROM leads").fetchall()
    staff = " | ".join(r[0] for r in con.sql("SELECT name FROM users").fetchall())
    con.close()
    # staff names are shown on purpose (team breakdowns): skip lead names that are part of one
    names = [n for n, _ in rows if n and len(n.split()) >= 2 and n not in staff]
    phones = [p for _, p in rows if p and len(p) > 8]
    return names, phones


@pytest.fixture()
def env(store: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    monkeypatch.setenv("CLINIC_SOURCE", str(store))
    monkeypatch.delenv("CLINIC_AUTH_FILE", raising=False)
    return store


def run(page: str, username: str | None, query: dict[str, str] | None = None) -> AppTest:
    at = AppTest.from_file(str(ROOT / PAGES.get(page, page)), default_timeout=120)
    if username is not None:
        at.session_state["authentication_status"] = True
        at.session_state["username"] = username
    for k, v in (query or {}).items():
        at.query_params[k] = v
    at.run()
    return at


def open_drills(at: AppTest) -> AppTest:
    """Open every drill-down expander of the page (as a click would: its key set in session state) and rerun."""
    from ui.widgets import drill_key

    titles = [e.label[2:].rsplit(" (", 1)[0].strip() for e in at.expander if e.label.startswith("🔎")]
    for title in titles:
        at.session_state[drill_key(title)] = True
    return at.run() if titles else at


def text_of(at: AppTest) -> str:
    """Everything the app rendered, as one string (text, metrics, tables, chart specs)."""
    parts: list[str] = []
    for kind in ("title", "header", "subheader", "markdown", "caption", "text", "error", "warning", "info",
                 "success", "expander"):
        parts += [str(getattr(e, "value", "") or getattr(e, "label", "")) for e in at.get(kind)]
    parts += [f"{m.label} {m.value}" for m in at.metric]
    for df in at.dataframe:
        parts.append(df.value.to_csv())
    for chart in at.get("plotly_chart"):
        parts.append(json.dumps(json.loads(chart.proto.spec)))
    return "\n".join(parts)


def _has_data(at: AppTest) -> bool:
    return bool(at.metric or at.dataframe or at.get("plotly_chart"))


@pytest.mark.parametrize("username", list(USERS))
@pytest.mark.parametrize("page", list(PAGES))
def test_page_by_role(env: Path, page: str, username: str) -> None:
    at = run(page, username)
    assert not at.exception, [e.value for e in at.exception]
    role = USERS[username]
    if page in ALLOWED[role]:
        assert not any(REFUSAL in e.value for e in at.error)
        assert at.metric, f"{page} shows no KPI for {role}"
    else:
        assert any(REFUSAL in e.value for e in at.error)
        assert not _has_data(at), "a refused page must show no data"


@pytest.mark.parametrize("page", list(PAGES))
def test_not_logged_in_sees_nothing(env: Path, page: str) -> None:
    at = run(page, None)
    assert not at.exception
    assert any("login" in e.value.lower() for e in at.error)
    assert not _has_data(at)


@pytest.mark.parametrize("username", ["gerente", "marketing", "secretaria"])
def test_non_admin_never_sees_lead_names_or_phones(env: Path, lead_pii: tuple[list[str], list[str]],
                                                   username: str) -> None:
    names, phones = lead_pii
    for page in ALLOWED[USERS[username]]:
        out = text_of(open_drills(run(page, username)))
        leaked = [n for n in names if n in out] + [p for p in phones if p in out]
        assert not leaked, f"{username} saw personal data on {page}"


def test_admin_sees_unmasked_priority_leads(env: Path, lead_pii: tuple[list[str], list[str]]) -> None:
    """The masking test above can fail: the same page shows full names to an admin."""
    names, _ = lead_pii
    out = text_of(run("secretaria", "admin"))
    assert any(n in out for n in names)


def test_drill_downs_are_lazy_and_masked(env: Path, lead_pii: tuple[list[str], list[str]]) -> None:
    """A closed drill-down sends no rows; opened, it shows them (names for an admin, masked for others)."""
    names, _ = lead_pii
    at = run("executivo", "admin")
    frames = len(at.dataframe)
    label = next(e.label for e in at.expander if e.label.startswith("🔎 Leads convertidos"))
    n = int(label.rsplit("(", 1)[1].rstrip(")"))
    assert n > 0
    at = open_drills(at)
    assert not at.exception
    assert len(at.dataframe) == frames + 1  # the drill's rows, only now
    assert sum(len(d.value) == n for d in at.dataframe) >= 1
    out = text_of(open_drills(run("operacoes", "gerente")))
    assert "Respostas fora do SLA" in out and not [n for n in names if n in out]


def test_secretary_sees_only_herself(env: Path) -> None:
    at = run("secretaria", "secretaria")
    assert not at.exception
    assert not at.selectbox or all(s.label != "Secretária" for s in at.selectbox)  # no picker
    assert all(m.label != "Secretária" for m in at.sidebar.multiselect)  # no secretary filter


def test_query_params_reproduce_the_view(env: Path) -> None:
    at = run("executivo", "admin", {"periodo": "90d", "canal": "instagram"})
    assert not at.exception
    assert at.sidebar.selectbox(key="f_periodo").value == "90d"
    assert at.sidebar.multiselect(key="f_canal").value == ["instagram"]
    assert "Google orgânico" in at.sidebar.multiselect(key="f_canal").options  # labels shown, ids in the URL
    assert at.query_params["periodo"] == ["90d"] or at.query_params["periodo"] == "90d"


def test_empty_period_is_friendly(env: Path) -> None:
    at = run("executivo", "admin", {"periodo": "custom", "de": "2001-01-01", "ate": "2001-01-31"})
    assert not at.exception
    assert any("Não há dados" in i.value for i in at.info)


def test_unreachable_database_is_friendly(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    monkeypatch.setenv("CLINIC_SOURCE", str(tmp_path / "missing.duckdb"))
    at = run("operacoes", "gerente")
    assert not at.exception
    assert any("base de dados" in e.value for e in at.error)
    assert not at.metric


def _home(monkeypatch: pytest.MonkeyPatch, store: Path, auth_text: str | None = None,
          tmp_path: Path | None = None) -> AppTest:
    monkeypatch.setenv("CLINIC_SOURCE", str(store))
    monkeypatch.setenv("CLINIC_COOKIE_KEY", "test-cookie-key-0123456789abcdef0123456789")
    if auth_text is not None and tmp_path is not None:
        p = tmp_path / "auth.yaml"
        p.write_text(auth_text, encoding="utf-8")
        monkeypatch.setenv("CLINIC_AUTH_FILE", str(p))
    at = AppTest.from_file(str(ROOT / "Home.py"), default_timeout=120)
    at.run()
    return at


def _login(at: AppTest, user: str, password: str, settle: bool = True) -> AppTest:
    """Submit the login form; with ``settle``, also the rerun the browser's cookie component triggers
    once it has written the login cookie (AppTest has no browser to do it)."""
    at.text_input[0].input(user)
    at.text_input[1].input(password)
    at.button[0].click()
    at.run()
    return at.run() if settle and at.session_state["authentication_status"] is True else at


def test_home_login_wrong_password(env: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    at = _home(monkeypatch, env)
    assert not at.exception
    assert len(at.text_input) == 2 and not at.metric  # login form only
    at = _login(at, "admin", "senha-errada")
    assert not at.exception
    assert any("incorretos" in e.value for e in at.error)
    assert not at.metric


def test_home_login_then_landing(env: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    at = _login(_home(monkeypatch, env), "gerente", "Gerente@2026", settle=False)
    assert not at.exception, [e.value for e in at.exception]
    assert at.session_state["authentication_status"] is True
    # the form's run ends so the cookie component reaches the browser; no data yet
    assert any("Login efetuado" in s.value for s in at.success) and not at.metric
    at.run()  # the rerun the cookie component triggers once the cookie is written
    assert not at.exception, [e.value for e in at.exception]
    assert at.metric  # the landing's headline KPIs
    assert any(b.label == "Sair" for b in at.button)


def _token(claims: dict[str, object], key: str) -> str:
    import jwt

    return jwt.encode(claims, key, algorithm="HS256")


def test_login_cookie_token_is_checked_like_the_library() -> None:
    """The server-side cookie login accepts exactly the tokens streamlit-authenticator 0.4.2 writes
    (``CookieModel._token_encode``: JWT HS256 of ``username`` and ``exp_date``) while they are valid."""
    from ui import auth

    cfg = auth.parse_config((ROOT / "auth.yaml").read_text(encoding="utf-8"))
    key, now = "k" * 40, 1_800_000_000.0
    assert auth.token_user(_token({"username": "gerente", "exp_date": now + 60}, key), key, cfg, now) == "gerente"
    assert auth.token_user(_token({"username": "gerente", "exp_date": now - 1}, key), key, cfg, now) is None
    assert auth.token_user(_token({"username": "gerente", "exp_date": now + 60}, "x" * 40), key, cfg, now) is None
    assert auth.token_user(_token({"username": "intruso", "exp_date": now + 60}, key), key, cfg, now) is None
    assert auth.token_user(_token({"username": "gerente"}, key), key, cfg, now) is None
    assert auth.token_user(_token({"username": "gerente", "exp_date": "tomorrow"}, key), key, cfg, now) is None
    for garbage in ("", "abc.def.ghi", None, 42):
        assert auth.token_user(garbage, key, cfg, now) is None


BAD_AUTH = [
    "credentials: [",  # not YAML
    "credentials:\n  usernames:\n    x: {password: plain, role: admin}\n",  # plaintext password
    "credentials:\n  usernames:\n    x: {password: '$2b$12$abc', role: chefe}\n",  # unknown role
]


@pytest.mark.parametrize("text", BAD_AUTH)
def test_malformed_auth_yaml(env: Path, monkeypatch: pytest.MonkeyPatch, tmp_path: Path, text: str) -> None:
    at = _home(monkeypatch, env, text, tmp_path)
    assert not at.exception
    assert any("auth.yaml" in e.value for e in at.error)
    assert not at.text_input  # no login form on a broken config


def test_missing_auth_yaml(env: Path, monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    monkeypatch.setenv("CLINIC_AUTH_FILE", str(tmp_path / "nope.yaml"))
    at = _home(monkeypatch, env)
    assert not at.exception
    assert any("auth.yaml" in e.value for e in at.error)


def test_admin_refresh_button_reloads_without_error(env: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    at = _login(_home(monkeypatch, env), "admin", "Admin@2026")
    buttons = [b for b in at.sidebar.button if "Atualizar dados" in str(b.label)]
    assert buttons, "admin sees the refresh button"
    buttons[0].click()
    at.run()
    assert not at.exception
    assert any("recarregados" in s.value for s in at.sidebar.success)


def test_refresh_button_is_admin_only(env: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    at = _login(_home(monkeypatch, env), "gerente", "Gerente@2026")
    assert not [b for b in at.sidebar.button if "Atualizar dados" in str(b.label)]


def test_live_queue_table_with_more_than_20_waiting() -> None:
    """163 waiting (the medium store's end): the table shows the 20 oldest, labelled, without a ShapeError."""
    import polars as pl

    from ui.live import SHOWN, queue_table

    n = 163
    rows = pl.DataFrame({
        "conversation_id": [f"{i:08d}-aaaa-bbbb" for i in range(n)],
        "playbook": ["orcamento", None, "novo_fluxo"] * 54 + ["orcamento"],
        "assigned_to": ["u1", None] * 81 + ["u1"],
        "wait_seconds": [float(3600 * (n - i)) for i in range(n)],
    })
    show = queue_table(rows, {"u1": "Ana"})
    assert show.height == SHOWN == 20
    assert show.columns == ["Conversa", "Playbook", "Responsável", "Esperando há"]
    assert show["Conversa"][0] == "00000000"
    # playbooks: id → pt-BR label, unknown humanised, null → dash
    assert show["Playbook"].to_list()[:3] == ["Orçamento", "—", "Novo fluxo"]
    assert show["Responsável"].to_list()[:2] == ["Ana", "sem responsável"]


def test_operacoes_page_with_a_busy_live_queue(env: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """The whole page with 25 conversations waiting: KPIs render under the queue, no exception."""
    from datetime import UTC, datetime

    import polars as pl

    from analytics.sources.live import LiveQueue

    rows = pl.DataFrame({"conversation_id": [f"c{i:07d}" for i in range(25)], "playbook": ["orcamento"] * 25,
                         "assigned_to": [None] * 25, "wait_seconds": [60.0 * i for i in range(25)]},
                        schema_overrides={"assigned_to": pl.String})
    busy = LiveQueue(datetime(2026, 11, 20, tzinfo=UTC), 25, 1440.0, 3, rows, True)
    monkeypatch.setattr("ui.live.live_queue", lambda *a, **k: busy)
    at = run("operacoes", "gerente")
    assert not at.exception, [e.value for e in at.exception]
    assert any(m.label == "Aguardando atendimento" and m.value == "25" for m in at.metric)
    assert any("Cumprimento do SLA" in m.label for m in at.metric)


def test_a_crashing_live_queue_is_a_friendly_warning(env: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    def boom(*_: object, **__: object) -> None:
        raise RuntimeError("boom")

    monkeypatch.setattr("ui.live.queue_table", boom)
    from datetime import UTC, datetime

    import polars as pl

    from analytics.sources.live import LiveQueue

    rows = pl.DataFrame({"conversation_id": ["c1"], "playbook": ["x"], "assigned_to": ["u"], "wait_seconds": [1.0]})
    monkeypatch.setattr("ui.live.live_queue",
                        lambda *a, **k: LiveQueue(datetime(2026, 11, 20, tzinfo=UTC), 1, 1.0, 0, rows, True))
    at = run("operacoes", "gerente")
    assert not at.exception
    assert any("Fila ao vivo indisponível" in w.value for w in at.warning)
    assert any("Cumprimento do SLA" in m.label for m in at.metric)  # the rest of the page still renders


def _home_as(monkeypatch: pytest.MonkeyPatch, store: Path, username: str) -> AppTest:
    """Home.py with a logged-in session (the keys streamlit-authenticator writes)."""
    monkeypatch.setenv("CLINIC_SOURCE", str(store))
    monkeypatch.setenv("CLINIC_COOKIE_KEY", "test-cookie-key-0123456789abcdef0123456789")
    at = AppTest.from_file(str(ROOT / "Home.py"), default_timeout=120)
    at.session_state["authentication_status"] = True
    at.session_state["username"] = username
    return at.run()


def open_url(at: AppTest, url_path: str) -> AppTest:
    """Like opening ``/<url_path>`` in the browser: the page registered at that URL (a refusal page is a
    function, which ``AppTest.switch_page`` cannot name; the hash lookup mirrors what it does for files)."""
    hashes = [h for h, info in at._registered_pages.items() if info.get("url_pathname") == url_path]
    assert hashes, f"no page registered at /{url_path}"
    at._page_hash = hashes[0]
    return at


@pytest.mark.parametrize(("username", "page"), [("gerente", "executivo"), ("marketing", "operacoes"),
                                                ("secretaria", "marketing"), ("secretaria", "ia")])
def test_forbidden_page_by_url_through_the_router(env: Path, monkeypatch: pytest.MonkeyPatch, username: str,
                                                  page: str) -> None:
    """The page is registered (hidden from the menu) at its URL and shows the refusal, no data."""
    at = _home_as(monkeypatch, env, username)
    open_url(at, page).run()
    assert not at.exception, [e.value for e in at.exception]
    assert any("Acesso negado: seu perfil não pode abrir esta página" in e.value for e in at.error)
    assert not _has_data(at)
    assert not at.title or all("Painel" not in t.value for t in at.title)


def test_allowed_page_through_the_router(env: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    at = _home_as(monkeypatch, env, "gerente")
    at.switch_page(PAGES["operacoes"]).run()
    assert not at.exception
    assert not any(REFUSAL in e.value for e in at.error)
    assert any("Cumprimento do SLA" in m.label for m in at.metric)


def test_a_crashing_page_section_is_a_friendly_message(env: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """Any exception in a page becomes a pt-BR message, never Streamlit's English error box."""
    def boom(*_: object, **__: object) -> None:
        raise ValueError("boom")

    monkeypatch.setattr("ui.widgets.kpi_row", boom)
    at = _home_as(monkeypatch, env, "gerente")
    assert not at.exception, [e.value for e in at.exception]
    assert any("Algo deu errado" in e.value for e in at.error)


def test_kpi_deltas_round_like_their_values_and_zero_is_neutral() -> None:
    from ui.widgets import fmt_delta, is_zero

    assert fmt_delta(129954.71, "brl", 0) == "+R$ 129.955"  # value shown as R$ 349.860: no cents
    assert fmt_delta(-194.08, "brl") == "-R$ 194,08"
    assert fmt_delta(-0.04, "count") == "0,0"  # CSAT −0,04 rounds to 0,0: unsigned, shown neutral
    assert is_zero("0,0") and is_zero("R$ 0,00") and not is_zero("+0,1")
    assert fmt_delta(2.2, "percent") == "+2,2 p.p."
    assert fmt_delta(None, "brl") is None


@pytest.mark.parametrize("kind", ["messy", "empty"])
def test_every_page_survives_messy_and_empty_data(kind: str, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """New vocabulary, nulls, duplicates, out-of-order rows, deleted leads; or no rows at all:
    every page renders for the admin without an exception and without a failure message."""
    from analytics.generator import generate
    from analytics.sources.store import Store

    path = tmp_path / f"{kind}.duckdb"
    if kind == "messy":
        generate(str(path), size="tiny", messy=True, seed=11, truth_path=tmp_path / "t.json")
    else:
        Store(path).close()  # the contract's tables, all empty
    monkeypatch.setenv("CLINIC_SOURCE", str(path))
    monkeypatch.delenv("CLINIC_AUTH_FILE", raising=False)
    for page in PAGES:
        at = run(page, "admin")
        assert not at.exception, (page, [e.value for e in at.exception])
        failures = [e.value for e in at.error if "errado" in e.value.lower() or "erro" in e.value.lower()]
        assert not failures, (page, failures)
        if kind == "messy":
            assert at.metric, f"{page} shows no KPI on messy data"
        elif page != "inicio":
            assert any("Não há dados" in e.value for e in at.info), f"{page}: no friendly empty state"


def test_placeholder_or_short_cookie_key_is_never_used(monkeypatch: pytest.MonkeyPatch) -> None:
    from ui import auth

    monkeypatch.setenv("CLINIC_COOKIE_KEY", "change-me-to-a-long-random-string")
    assert auth.cookie_key() != "change-me-to-a-long-random-string"
    monkeypatch.setenv("CLINIC_COOKIE_KEY", "short")
    assert auth.cookie_key() != "short"
    good = "k" * 40
    monkeypatch.setenv("CLINIC_COOKIE_KEY", good)
    assert auth.cookie_key() == good


def test_a_logged_out_cookie_never_logs_in_again(monkeypatch: pytest.MonkeyPatch) -> None:
    """Logout revokes the browser's token server-side (whether or not the browser drops the cookie)."""
    import time
    from types import SimpleNamespace

    from ui import auth

    monkeypatch.setenv("CLINIC_COOKIE_KEY", "k" * 40)
    monkeypatch.delenv("CLINIC_AUTH_FILE", raising=False)
    cfg = auth.load_config()
    token = _token({"username": "gerente", "exp_date": time.time() + 3600}, "k" * 40)

    def browser_session() -> SimpleNamespace:
        return SimpleNamespace(context=SimpleNamespace(cookies={cfg.cookie_name: token}), session_state={})

    fake = browser_session()
    monkeypatch.setattr(auth, "st", fake)
    monkeypatch.setattr(auth, "cookie_key", lambda: "k" * 40)
    assert auth.cookie_login(cfg) and fake.session_state["username"] == "gerente"
    auth.revoke_cookie()  # "Sair"
    fake = browser_session()  # a reload: a new session, same cookie
    monkeypatch.setattr(auth, "st", fake)
    assert not auth.cookie_login(cfg) and "authentication_status" not in fake.session_state


@pytest.mark.postgres
def test_pages_on_a_postgresql_source(pg_url: str, monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    """The app pointed at the bot's database: the first visit syncs its local store, pages draw from it,
    the live queue reads PostgreSQL itself, and the admin's sync button syncs again."""
    from analytics.generator import generate
    from analytics.sources.resolve import cache_path, remove_prepared

    generate(pg_url, size="tiny", truth_path=tmp_path / "truth.json")
    store = cache_path(pg_url)
    monkeypatch.setenv("CLINIC_SOURCE", pg_url)
    monkeypatch.setenv("CLINIC_ALLOW_DEMO_LOGINS", "1")  # generated data: the demo logins may read it
    try:
        for page in ("executivo", "operacoes", "secretaria"):
            at = run(page, "gerente" if page == "secretaria" else "admin")
            assert not at.exception, [e.value for e in at.exception]
            assert at.metric, page
            assert not at.error, [e.value for e in at.error]
        assert store.exists()
        at = AppTest.from_file(str(ROOT / "Home.py"), default_timeout=120)
        at.session_state["authentication_status"] = True
        at.session_state["username"] = "admin"
        at.run()
        button = next(b for b in at.sidebar.button if "Atualizar dados" in str(b.label))
        button.click()
        at.run()
        assert not at.exception
        # progress from DuckDB's reader threads used to abort this sync (no Streamlit session there)
        assert any("Sincronização concluída" in s.value for s in at.sidebar.success), \
            [x.value for x in at.sidebar.error]
    finally:
        remove_prepared(store)
        for p in (store, store.with_name(store.name + ".wal")):
            p.unlink(missing_ok=True)


def test_a_period_before_the_retention_cutoff_says_so(env: Path) -> None:
    """2001 is more than two years before the store's latest event (2026): the page says the data is gone."""
    at = run("executivo", "admin", {"periodo": "custom", "de": "2001-01-01", "ate": "2001-01-31"})
    assert not at.exception
    assert any("prazo de retenção" in i.value for i in at.info)
    at = run("executivo", "admin", {"periodo": "30d"})
    assert not any("prazo de retenção" in i.value for i in at.info)


def test_whole_period_before_the_retention_cutoff_is_named(env: Path) -> None:
    at = run("executivo", "admin", {"periodo": "custom", "de": "2001-01-01", "ate": "2001-01-31"})
    assert any("Todo o período é anterior" in i.value for i in at.info)


def test_inicio_opened_by_url(env: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """/inicio (a bookmark) opens the landing, not Streamlit's English "Page not found"."""
    at = open_url(_home_as(monkeypatch, env, "gerente"), "inicio")
    assert not at.exception, [e.value for e in at.exception]
    assert at.metric and any("Início" in t.value for t in at.title)
    at = AppTest.from_file(str(ROOT / "Home.py"), default_timeout=120)
    at.run()
    at = open_url(at, "inicio")  # logged out: the login form at that URL
    assert not at.exception and len(at.text_input) == 2


def _secretaries(store: Path) -> dict[str, str]:
    con = duckdb.connect(str(store), read_only=True)
    rows = con.sql("SELECT CAST(id AS VARCHAR), name FROM users WHERE role = 'secretary' ORDER BY name").fetchall()
    con.close()
    return dict(rows)


def test_sidebar_secretary_filter_narrows_the_secretaria_picker(env: Path) -> None:
    secs = _secretaries(env)
    last = list(secs)[-1]  # not the picker's default (the first by name)
    at = run("secretaria", "gerente", {"sec": last})
    assert not at.exception
    picker = next(s for s in at.selectbox if s.label == "Secretária")
    assert picker.options == [secs[last]] and picker.value == last
    assert any(secs[last] in h.value for h in at.subheader)  # "<name> × equipe", not "Eu × equipe"


def test_secretaria_in_an_empty_period_shows_open_leads_without_empty_kpis(env: Path) -> None:
    at = run("secretaria", "gerente", {"periodo": "custom", "de": "2026-01-01", "ate": "2026-01-31"})
    assert not at.exception
    if any("Não há dados" in i.value for i in at.info):
        pytest.skip("no open leads at all in this store")  # the whole-page empty state instead
    assert any("Nenhum atendimento" in i.value for i in at.info), [i.value for i in at.info]
    assert not at.metric  # no row of "—" KPIs
    assert at.dataframe  # the open leads


def test_secretary_login_not_in_the_data_is_told_so(env: Path, monkeypatch: pytest.MonkeyPatch,
                                                    tmp_path: Path) -> None:
    from tests.e2e_support import write_auth

    p = tmp_path / "auth.yaml"
    unknown = "00000000-0000-0000-0000-00000000dead"
    write_auth(p, {"nova": {"password": "x" * 12, "role": "secretary", "user_id": unknown}})
    monkeypatch.setenv("CLINIC_AUTH_FILE", str(p))
    for page in ("inicio", "secretaria"):
        at = run(page, "nova")
        assert not at.exception
        assert any("não está vinculado" in w.value for w in at.warning), page
        assert not at.metric


def test_value_axis_formats_small_values_readably() -> None:
    """Ticks never read "R$ 1, R$ 1, R$ 0" or "0 0 1 1" on a sparse filter."""
    from ui.charts import bars, value_axis

    assert value_axis("count", [0, 1, 1]) == {"rangemode": "tozero", "tickformat": ",d", "dtick": 1}
    assert value_axis("count", [0, 120]) == {"rangemode": "tozero", "tickformat": ",d"}
    assert value_axis("brl", [0.4, 1.2])["tickformat"] == ",.2~f"  # R$ 0,4 … R$ 1,2; R$ 1.500 stays whole
    assert value_axis("percent", [None, 0.5]) == {"rangemode": "tozero", "ticksuffix": "%", "tickformat": ",.1~f"}
    fig = bars(pl.DataFrame({"Canal": ["a", "b"], "Leads": [0, 1]}), "Canal", ("Leads",), "t", horizontal=True)
    assert fig.layout.xaxis.dtick == 1 and fig.layout.xaxis.tickformat == ",d"
