"""Login with streamlit-authenticator over ``auth.yaml`` (bcrypt hashes, role, secretary user id).

``auth.yaml`` (path: ``CLINIC_AUTH_FILE`` or the repository root)::

    cookie: {name: clinic_analytics_auth, expiry_days: 1}
    credentials:
      usernames:
        admin: {name: ..., email: ..., password: <bcrypt hash>, role: admin}
        secretaria: {name: ..., password: <bcrypt hash>, role: secretary, user_id: <users.id>}

The cookie key comes from ``st.secrets["auth"]["cookie_key"]`` or ``CLINIC_COOKIE_KEY``; without
either, a random key per server process is used (logins then do not survive a restart).

Who is logged in is read from ``st.session_state`` (``authentication_status`` and ``username``,
written by streamlit-authenticator after a successful password check). Tests pre-set these two
keys in ``AppTest.session_state``; a browser cannot write session state, so this is not a way
around the login in production. The role always comes from ``auth.yaml``, never from the session.
"""

from __future__ import annotations

import copy
import logging
import os
import secrets
import threading
import time
from dataclasses import dataclass, replace
from pathlib import Path
from typing import Any

import streamlit as st
import yaml

from analytics.errors import AnalyticsError
from analytics.privacy import ROLES, Viewer
from analytics.settings import ROOT

_log = logging.getLogger("clinic.ui")


class AuthConfigError(AnalyticsError):
    """auth.yaml is missing or malformed (one pt-BR line)."""


@dataclass(frozen=True)
class AuthConfig:
    users: dict[str, dict[str, Any]]
    cookie_name: str
    expiry_days: float


def auth_path() -> Path:
    return Path(os.environ.get("CLINIC_AUTH_FILE") or ROOT / "auth.yaml")


def parse_config(text: str) -> AuthConfig:
    """Validate auth.yaml: every user has a bcrypt hash and a known role; secretaries a user_id."""
    try:
        raw = yaml.safe_load(text)
    except yaml.YAMLError:
        raise AuthConfigError("auth.yaml não é um YAML válido") from None
    users = (raw or {}).get("credentials", {}).get("usernames") if isinstance(raw, dict) else None
    if not isinstance(users, dict) or not users:
        raise AuthConfigError("auth.yaml sem usuários em credentials.usernames")
    for name, u in users.items():
        if not isinstance(u, dict):
            raise AuthConfigError(f"auth.yaml: usuário {name!r} mal definido")
        pw = str(u.get("password") or "")
        if not pw.startswith(("$2a$", "$2b$", "$2y$")):
            raise AuthConfigError(f"auth.yaml: a senha do usuário {name!r} deve ser um hash bcrypt")
        if u.get("role") not in ROLES:
            raise AuthConfigError(f"auth.yaml: papel inválido para {name!r} (use {', '.join(ROLES)})")
        if u["role"] == "secretary" and not u.get("user_id"):
            raise AuthConfigError(f"auth.yaml: a secretária {name!r} precisa de user_id")
    cookie = raw.get("cookie") or {}
    return AuthConfig(users, str(cookie.get("name", "clinic_analytics_auth")), float(cookie.get("expiry_days", 1)))


@st.cache_data(ttl=60, show_spinner=False)
def _read(path: str, mtime: float) -> AuthConfig:
    return parse_config(Path(path).read_text(encoding="utf-8"))


#: bcrypt hashes of the committed demo logins: their passwords are public (README)
DEMO_HASHES = frozenset({
    "$2b$12$8fFPnPTnWVKcfVdS38d6wuslWw7ksNzKrDM2PkP7Ql3NwL9VcJJKq",
    "$2b$12$03PLW02JG.cCUEkQcYHaVeZhoM7ABxN0wc.EoAm2.tWEH22g7LFIe",
    "$2b$12$8SyiCzdCau3ZgrvHKRUMGO1WK5856ILtUwpLD2i.Sx7GZ4siKLcCq",
    "$2b$12$lZrwHpExAZ/wm4i4qZd4s.KefQsG4lYz2qtp6jUjgDcSYRT4MFIFu",
    "$2b$12$syjODB3.bRmE9puiZJngmeknLl4O52rkMfiNwFEJrYuGExyjbprJy",
})
DEMO_LOGINS_OFF = ("Contas de demonstração desativadas: este servidor lê a base de dados real. "
                   "Gere um auth.yaml com senhas próprias (veja o README).")


def demo_logins_blocked() -> bool:
    """Whether logins whose password is a public demo password are refused: the source is a PostgreSQL
    database (real patient data) and ``CLINIC_ALLOW_DEMO_LOGINS=1`` (a demo on PostgreSQL) is not set."""
    from ui.data import is_postgres, source

    return is_postgres(source()) and os.environ.get("CLINIC_ALLOW_DEMO_LOGINS") != "1"


def demo_logins_disabled() -> bool:
    """Whether auth.yaml has demo logins that ``demo_logins_blocked`` turns off (the login page says so)."""
    if not demo_logins_blocked():
        return False
    p = auth_path()
    try:
        cfg = _read(str(p), p.stat().st_mtime)
    except (OSError, AuthConfigError):
        return False
    return any(u["password"] in DEMO_HASHES for u in cfg.users.values())


def without_demo_logins(cfg: AuthConfig) -> AuthConfig:
    """``cfg`` without the users whose hash is a committed demo hash (``DEMO_HASHES``)."""
    kept = {name: u for name, u in cfg.users.items() if u["password"] not in DEMO_HASHES}
    if not kept:
        raise AuthConfigError("só há contas de demonstração, desativadas com a base real; gere um auth.yaml "
                              "com senhas próprias (veja o README)")
    return replace(cfg, users=kept)


def load_config() -> AuthConfig:
    """auth.yaml, validated; without the public demo logins when the app reads a real database."""
    p = auth_path()
    if not p.exists():
        raise AuthConfigError("arquivo auth.yaml não encontrado")
    cfg = _read(str(p), p.stat().st_mtime)
    return without_demo_logins(cfg) if demo_logins_blocked() else cfg


@st.cache_resource(show_spinner=False)
def _process_key() -> str:
    return secrets.token_urlsafe(32)


PLACEHOLDER_KEYS = {"change-me-to-a-long-random-string"}


def cookie_key() -> str:
    """The secret that signs login cookies: ``[auth] cookie_key`` or ``CLINIC_COOKIE_KEY``.

    A key anyone can know (the example's placeholder, or shorter than 32 characters) would
    let them forge a login cookie, so it is ignored (with a log line) and a random key per
    server process is used instead (logins then do not survive a restart).
    """
    try:
        key = st.secrets.get("auth", {}).get("cookie_key")
    except Exception:  # no secrets file
        key = None
    key = key or os.environ.get("CLINIC_COOKIE_KEY")
    if key and (key in PLACEHOLDER_KEYS or len(key) < 32):
        _log.warning("cookie key ignored: placeholder or shorter than 32 characters")
        key = None
    return key or _process_key()


def authenticator(cfg: AuthConfig) -> Any:
    import streamlit_authenticator as stauth

    creds = {"usernames": {
        name: {"name": u.get("name", name), "email": u.get("email", f"{name}@clinica.local"),
               "password": u["password"], "roles": [u["role"]]}
        for name, u in cfg.users.items()
    }}
    return throttled(stauth.Authenticate(copy.deepcopy(creds), cfg.cookie_name, cookie_key(), cfg.expiry_days,
                                         auto_hash=False))


#: failed password checks of one username within ``LOCKOUT_SECONDS`` that lock it for the rest of that window
MAX_FAILURES = 5
LOCKOUT_SECONDS = 15 * 60


class LoginLocked(AnalyticsError):
    """Too many failed password checks for a username; ``wait`` seconds until the next try."""

    def __init__(self, wait: float) -> None:
        super().__init__(f"login locked for {wait:.0f} s")
        self.wait = wait


class LoginThrottle:
    """Failed password checks per username (as typed, lower-cased), process-wide.

    A username with ``MAX_FAILURES`` failures within ``LOCKOUT_SECONDS`` is locked until the oldest of
    them is ``LOCKOUT_SECONDS`` old; while locked, no password is checked (a right one included). A
    success clears its failures. Unknown usernames count the same (no hint of which users exist); at
    most ``max_names`` names are tracked (the oldest dropped)."""

    def __init__(self, max_failures: int = MAX_FAILURES, window: float = LOCKOUT_SECONDS,
                 max_names: int = 10_000) -> None:
        self.max_failures, self.window, self.max_names = max_failures, window, max_names
        self._failures: dict[str, list[float]] = {}
        self._lock = threading.Lock()

    def wait(self, username: str, now: float) -> float:
        """Seconds until ``username`` may try again (0: it may try now)."""
        with self._lock:
            recent = [t for t in self._failures.get(username, []) if now - t < self.window]
            if len(recent) < self.max_failures:
                return 0.0
            return recent[-self.max_failures] + self.window - now

    def record(self, username: str, ok: bool, now: float) -> None:
        with self._lock:
            if ok:
                self._failures.pop(username, None)
                return
            recent = [t for t in self._failures.pop(username, []) if now - t < self.window]
            self._failures[username] = [*recent, now][-self.max_failures:]
            while len(self._failures) > self.max_names:
                self._failures.pop(next(iter(self._failures)))


@st.cache_resource(show_spinner=False)
def _throttle() -> LoginThrottle:
    return LoginThrottle()


def throttled(auth_obj: Any, throttle: LoginThrottle | None = None) -> Any:
    """``auth_obj`` (a streamlit-authenticator ``Authenticate``) with its password check behind the
    throttle: a locked username raises ``LoginLocked`` before any check; every check is recorded."""
    guard = throttle or _throttle()
    ctrl = auth_obj.authentication_controller
    check = ctrl.login

    def login(username: str | None = None, password: str | None = None, *args: Any, **kwargs: Any) -> Any:
        if not username:  # a token (cookie) login: no password is tried
            return check(username, password, *args, **kwargs)
        name = username.lower().strip()
        wait = guard.wait(name, time.time())
        if wait > 0:
            _log.warning("login refused: too many failed attempts for one username")
            raise LoginLocked(wait)
        ok = check(username, password, *args, **kwargs)
        guard.record(name, ok is True, time.time())
        return ok

    ctrl.login = login
    return auth_obj


LOGIN_FIELDS = {"Form name": "Entrar", "Username": "Usuário", "Password": "Senha", "Login": "Entrar"}


def current_viewer() -> Viewer | None:
    """The logged-in viewer, with role and user id from auth.yaml; ``None`` when not logged in."""
    if st.session_state.get("authentication_status") is not True:
        return None
    username = st.session_state.get("username")
    try:
        cfg = load_config()
    except AuthConfigError:
        return None
    user = cfg.users.get(username) if isinstance(username, str) else None
    if user is None:
        return None
    return Viewer(username=username, role=user["role"], user_id=user.get("user_id"))


def token_user(token: object, key: str, cfg: AuthConfig, now: float) -> str | None:
    """The user a login cookie names, or ``None`` when it is not a valid, unexpired token for a user of
    ``cfg`` signed with ``key`` (streamlit-authenticator's format: JWT HS256, claims ``username`` and
    ``exp_date`` in Unix seconds)."""
    if not isinstance(token, str) or not token:
        return None
    import jwt

    try:
        claims = jwt.decode(token, key, algorithms=["HS256"])
    except jwt.PyJWTError:
        return None  # another key (server restarted without a fixed key) or a forged cookie
    username = claims.get("username")
    if not isinstance(username, str) or username not in cfg.users:
        return None
    exp = claims.get("exp_date")
    if not isinstance(exp, (int, float)) or exp <= now:
        return None
    return username


@st.cache_resource(show_spinner=False)
def _revoked() -> set[str]:
    """Login cookies of sessions that logged out (per server process): refused even if the browser
    did not drop the cookie."""
    return set()


def revoke_cookie() -> None:
    """At logout: the browser's current login cookie can no longer log anyone in."""
    try:
        cfg = load_config()
    except AuthConfigError:
        return  # no configuration: no cookie login either
    token = st.context.cookies.get(cfg.cookie_name)
    if isinstance(token, str) and token:
        _revoked().add(token)


def cookie_login(cfg: AuthConfig) -> bool:
    """Log in from the browser's login cookie, server-side, in this very run; whether it did.

    The cookie is streamlit-authenticator's own token (JWT, HS256 with the cookie key, claims
    ``username`` and ``exp_date`` in Unix seconds), read from the request headers
    (``st.context.cookies``). The library would do the same check but only after its 0.7 s
    anti-brute-force pause and a cookie component that mounts in the browser and reruns the
    page once it has loaded; a cookie login needs neither (no password is tried). Skipped
    after a logout in this session (the browser may not have dropped the cookie yet).
    """
    if st.session_state.get("logout"):
        return False
    token = st.context.cookies.get(cfg.cookie_name)
    if isinstance(token, str) and token in _revoked():
        return False
    username = token_user(token, cookie_key(), cfg, time.time())
    if username is None:
        return False
    user = cfg.users[username]
    st.session_state.update({
        "authentication_status": True, "username": username, "name": user.get("name", username),
        "email": user.get("email"), "roles": [user["role"]], "logout": None,
    })
    return True


def display_name() -> str:
    return str(st.session_state.get("name") or st.session_state.get("username") or "")
