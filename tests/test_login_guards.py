"""Login guards: the failed-password lockout and the public demo logins refused on a real database."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest
import yaml

pytest.importorskip("streamlit")
from streamlit.testing.v1 import AppTest

from tests.e2e_support import write_auth
from ui import auth

ROOT = Path(__file__).resolve().parent.parent
PG = "postgresql://nobody@127.0.0.1:1/never"  # the login page only looks at the URL: nothing connects


def test_throttle_locks_after_max_failures_then_releases() -> None:
    t = auth.LoginThrottle(max_failures=3, window=100)
    for now in (0, 10, 20):
        assert t.wait("ana", now) == 0
        t.record("ana", False, now)
    assert t.wait("ana", 30) == pytest.approx(70)  # the oldest of the 3 failures (t=0) + 100 - 30
    assert t.wait("bia", 30) == 0  # per username
    assert t.wait("ana", 99) == pytest.approx(1)
    assert t.wait("ana", 100) == 0  # the failure at t=0 has left the window: two remain, fewer than 3


def test_throttle_window_and_success() -> None:
    t = auth.LoginThrottle(max_failures=2, window=60)
    t.record("ana", False, 0)
    t.record("ana", False, 59)
    assert t.wait("ana", 59) == pytest.approx(1)
    assert t.wait("ana", 60) == 0  # the first failure is 60 s old: one failure left in the window
    t.record("ana", False, 61)
    assert t.wait("ana", 61) == pytest.approx(58)
    t.record("ana", True, 62)  # a success (the check ran before the lock, in another session) clears
    assert t.wait("ana", 62) == 0


def test_throttle_forgets_the_oldest_names() -> None:
    t = auth.LoginThrottle(max_failures=1, window=60, max_names=2)
    for name in ("a", "b", "c"):
        t.record(name, False, 0)
    assert t.wait("a", 1) == 0 and t.wait("b", 1) > 0 and t.wait("c", 1) > 0


class _Controller:
    def __init__(self, password: str) -> None:
        self.password, self.calls = password, 0

    def login(self, username: str | None = None, password: str | None = None, *args: Any, **kwargs: Any) -> bool:
        self.calls += 1
        return bool(username) and password == self.password


class _Authenticate:
    def __init__(self, password: str) -> None:
        self.authentication_controller = _Controller(password)


def test_throttled_authenticator_checks_no_password_while_locked() -> None:
    guard = auth.LoginThrottle(max_failures=2, window=600)
    a = auth.throttled(_Authenticate("certa"), guard)
    ctrl = a.authentication_controller
    assert a.authentication_controller.login("Ana ", "errada") is False
    assert a.authentication_controller.login("ana", "errada") is False  # same user, as the library lower-cases
    with pytest.raises(auth.LoginLocked) as exc:
        a.authentication_controller.login("ana", "certa")
    assert 0 < exc.value.wait <= 600
    assert ctrl.calls == 2  # the right password was never checked
    assert a.authentication_controller.login("bia", "certa") is True  # another user is not locked
    assert a.authentication_controller.login(None, None, token={"username": "ana"}) is False  # token path passes


def _home(monkeypatch: pytest.MonkeyPatch, tmp_path: Path, source: str, users: dict[str, Any] | None = None,
          auth_file: Path | None = None) -> AppTest:
    monkeypatch.setenv("CLINIC_SOURCE", source)
    monkeypatch.setenv("CLINIC_COOKIE_KEY", "test-cookie-key-0123456789abcdef0123456789")
    if users is not None:
        auth_file = tmp_path / "auth.yaml"
        write_auth(auth_file, users)
    if auth_file is not None:
        monkeypatch.setenv("CLINIC_AUTH_FILE", str(auth_file))
    else:
        monkeypatch.delenv("CLINIC_AUTH_FILE", raising=False)
    at = AppTest.from_file(str(ROOT / "Home.py"), default_timeout=60)
    return at.run()


def _submit(at: AppTest, user: str, password: str) -> AppTest:
    at.text_input[0].input(user)
    at.text_input[1].input(password)
    at.button[0].click()
    return at.run()


def test_login_form_locks_a_username_after_five_failures(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    auth._throttle.clear()
    try:
        users = {"travada": {"password": "certa-123", "role": "admin"}}
        at = _home(monkeypatch, tmp_path, str(tmp_path / "x.duckdb"), users)
        for _ in range(auth.MAX_FAILURES):
            at = _submit(at, "travada", "errada")
            assert any("incorretos" in e.value for e in at.error)
        at = _submit(at, "travada", "certa-123")
        assert not at.exception
        assert at.session_state["authentication_status"] is not True
        assert any("Muitas tentativas" in e.value and "15 min" in e.value for e in at.error), \
            [e.value for e in at.error]
        assert not at.metric
    finally:
        auth._throttle.clear()


def test_committed_auth_yaml_is_exactly_the_demo_hashes() -> None:
    """The guard knows every committed demo login (a regenerated demo file must update DEMO_HASHES)."""
    raw = yaml.safe_load((ROOT / "auth.yaml").read_text(encoding="utf-8"))
    hashes = {u["password"] for u in raw["credentials"]["usernames"].values()}
    assert hashes == auth.DEMO_HASHES


def test_demo_logins_refused_on_a_postgresql_source(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    at = _home(monkeypatch, tmp_path, PG)  # the committed auth.yaml: demo logins only
    assert not at.exception
    assert any("contas de demonstração" in e.value for e in at.error), [e.value for e in at.error]
    assert not at.text_input  # no form to try the public passwords on
    # a session that claims a demo user is not logged in either
    at = AppTest.from_file(str(ROOT / "Home.py"), default_timeout=60)
    at.session_state["authentication_status"] = True
    at.session_state["username"] = "admin"
    at.run()
    assert not at.exception and not at.metric
    assert not any(b.label == "Sair" for b in at.sidebar.button)


def test_mixed_auth_file_keeps_own_logins_on_a_postgresql_source(monkeypatch: pytest.MonkeyPatch,
                                                                 tmp_path: Path) -> None:
    demo = yaml.safe_load((ROOT / "auth.yaml").read_text(encoding="utf-8"))["credentials"]["usernames"]["admin"]
    p = tmp_path / "own.yaml"
    write_auth(p, {"dona": {"password": "Propria#2026", "role": "admin"}})
    doc = yaml.safe_load(p.read_text(encoding="utf-8"))
    doc["credentials"]["usernames"]["admin"] = demo
    p.write_text(yaml.safe_dump(doc, allow_unicode=True), encoding="utf-8")

    cfg = auth.parse_config(p.read_text(encoding="utf-8"))
    assert set(auth.without_demo_logins(cfg).users) == {"dona"}

    at = _home(monkeypatch, tmp_path, PG, auth_file=p)
    assert any("Contas de demonstração desativadas" in w.value for w in at.warning)
    at = _submit(at, "admin", "Admin@2026")  # the public demo password
    assert at.session_state["authentication_status"] is not True
    at = _submit(at, "dona", "Propria#2026")
    assert at.session_state["authentication_status"] is True

    monkeypatch.setenv("CLINIC_ALLOW_DEMO_LOGINS", "1")  # a demo on PostgreSQL, on purpose
    at = _home(monkeypatch, tmp_path, PG, auth_file=p)
    assert not at.warning
    at = _submit(at, "admin", "Admin@2026")
    assert at.session_state["authentication_status"] is True


def test_demo_logins_work_on_a_local_store(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    at = _home(monkeypatch, tmp_path, str(tmp_path / "demo.duckdb"))  # the form's run reads no data
    assert not at.warning and not at.error
    at = _submit(at, "marketing", "Marketing@2026")
    assert at.session_state["authentication_status"] is True
