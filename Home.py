"""Clinic Analytics: the router. Login, then the role's pages (st.navigation).

This is the only file that knows roles → pages (through ``analytics.privacy.PAGE_ACCESS``). Every page is
registered at its URL; the ones the role may not open are hidden from the menu and show a refusal (no data),
so a link opened without the role says so. Every page also checks access itself.
"""

from __future__ import annotations

import logging
import os
import sys
import time
from typing import Any

import streamlit as st

from analytics.dashboards.common import ROLE_LABELS
from analytics.privacy import may_open
from ui import auth, context, data

st.set_page_config(page_title="Clinic Analytics", page_icon="🦷", layout="wide")
_log = logging.getLogger("clinic.ui")

#: page id -> (file, title, icon); order = menu order
PAGES = {
    "executivo": ("pages/executivo.py", "Executivo", "📈"),
    "operacoes": ("pages/operacoes.py", "Operações", "🎧"),
    "marketing": ("pages/marketing.py", "Marketing", "📣"),
    "ia": ("pages/ia.py", "IA", "🤖"),
    "secretaria": ("pages/secretaria.py", "Secretária", "🗂️"),
}
REFUSAL = "Acesso negado: seu perfil não pode abrir esta página."
CRASH = "Algo deu errado ao montar esta seção do painel. Tente novamente em instantes ou ajuste os filtros."


def _authenticator() -> Any | None:
    """One authenticator per run (its cookie manager is a keyed component: a second one would clash)."""
    try:
        cfg = auth.load_config()
    except auth.AuthConfigError as exc:
        st.error(f"Configuração de acesso inválida: {exc}. Avise o administrador.", icon="🛑")
        return None
    return auth.authenticator(cfg)


def login_page() -> None:
    """The only page before login (every URL shows it, so a deep link survives the login).

    A login through the form does NOT call st.rerun in the same run: the run must finish so the cookie
    component reaches the browser (otherwise a reload logs the user out); the component reports back when
    the cookie is written, and that rerun builds the role's menu (the button is a fallback). A saved login
    cookie never reaches this page: ``main`` checks it server-side first."""
    authenticator = _authenticator()
    if authenticator is None:
        return
    _, mid, _ = st.columns([1, 1.2, 1])
    with mid:
        st.title("🦷 Clinic Analytics")
        try:
            authenticator.login(location="main", fields=auth.LOGIN_FIELDS, key="login")
        except auth.LoginLocked as exc:
            st.error(f"Muitas tentativas sem sucesso para este usuário. Tente novamente em "
                     f"{max(1, round(exc.wait / 60))} min.", icon="🔒")
            return
        except Exception:
            st.error("Não foi possível validar o login. Tente novamente.")
            return
        status = st.session_state.get("authentication_status")
        if status is not True and auth.demo_logins_disabled():
            st.warning(auth.DEMO_LOGINS_OFF, icon="🔐")
        if status is True:
            st.success("Login efetuado. Abrindo seus painéis…")
            st.button("Continuar", key="after_login")
        elif status is False:
            st.error("Usuário ou senha incorretos.")
        else:
            st.caption("Entre com seu usuário e senha.")


def sidebar_account() -> None:
    """Who is logged in, the logout button, and (admin) the sync button.

    The authenticator (and its cookie component) is built only when "Sair" is clicked: mounted on every
    run, the component would load in the browser and rerun the page after each full page load."""
    viewer = auth.current_viewer()
    if viewer is None:
        return
    sb = st.sidebar
    sb.markdown(f"**{auth.display_name()}** · {ROLE_LABELS.get(viewer.role, viewer.role)}")
    # the key must not be "logout": streamlit-authenticator writes st.session_state["logout"] itself
    if sb.button("Sair", key="sair"):
        auth.revoke_cookie()
        authenticator = _authenticator()
        try:
            if authenticator is not None:
                authenticator.logout(location="unrendered")  # clears the session and deletes the cookie
        except Exception as exc:  # a logout failure must still end the session here
            _log.error("logout failed: %s", type(exc).__name__)
        st.session_state["authentication_status"] = None
        st.session_state["logout"] = True
        # Let the run finish so the cookie deletion reaches the browser (an immediate st.rerun would
        # drop it and the next reload would log the user back in).
        st.success("Sessão encerrada.")
        st.button("Entrar novamente")  # any rerun shows the login form
        st.stop()
    if viewer.role == "admin" and sb.button("🔄 Atualizar dados", help="Sincroniza a fonte e limpa os caches"):
        bar = sb.progress(0.0, "Iniciando…")
        st.session_state["sync_running"] = True
        try:
            msg = data.sync_source(data.source(), lambda f, t: bar.progress(f, t))
            sb.success(msg)
        except Exception as exc:  # never a traceback; the message is one line
            sb.error(f"Falha na sincronização: {str(exc).splitlines()[0][:200]}")
        finally:
            st.session_state["sync_running"] = False
            context.clear_caches()


def _refusal(pid: str) -> st.Page:
    """A page the role may not open: same URL, hidden from the menu, a refusal and no data."""
    def show() -> None:
        st.error(REFUSAL, icon="🔒")

    show.__name__ = f"refuse_{pid}"
    _, title, icon = PAGES[pid]
    return st.Page(show, title=title, icon=icon, url_path=pid, visibility="hidden")


def _alias(path: str, target: st.Page) -> st.Page:
    """A hidden page at ``/<path>`` that opens ``target`` (keeping the filters in the URL)."""
    def show() -> None:
        st.switch_page(target, query_params=st.query_params.to_dict())

    show.__name__ = f"alias_{path}"
    return st.Page(show, title=target.title, url_path=path, visibility="hidden")


def _login_at(pid: str) -> st.Page:
    def show() -> None:
        login_page()

    show.__name__ = f"login_{pid}"
    return st.Page(show, title="Entrar", url_path=pid)


def main() -> None:
    viewer = auth.current_viewer()
    if viewer is None:
        if st.session_state.get("authentication_status") is True:  # logged in but no longer in auth.yaml
            st.session_state["authentication_status"] = None
        try:
            cfg = auth.load_config()
        except auth.AuthConfigError:
            cfg = None  # the login page says what is wrong
        if cfg is not None and auth.cookie_login(cfg):
            viewer = auth.current_viewer()
    if viewer is None:
        pages = [st.Page(login_page, title="Entrar", icon="🔑", url_path="entrar", default=True)]
        st.navigation(pages + [_login_at(pid) for pid in (*PAGES, "inicio")], position="hidden").run()
        st.stop()
    # the landing is served at "/"; a typed or bookmarked /inicio opens it too (the default page
    # reserves its own url_path without serving it, hence "home" + a hidden alias)
    home = st.Page("ui/landing.py", title="Início", icon="🏠", default=True, url_path="home")
    pages = [home, _alias("inicio", home)]
    pages += [st.Page(f, title=t, icon=i, url_path=pid) if may_open(viewer.role, pid) else _refusal(pid)
              for pid, (f, t, i) in PAGES.items()]
    nav = st.navigation(pages)
    st.session_state["_timing_page"] = nav.url_path if nav.url_path in PAGES else "inicio"
    sidebar_account()
    try:
        nav.run()
    except Exception as exc:  # st.stop / st.rerun are BaseException and pass through
        _log.error("page %s failed: %s", nav.url_path, type(exc).__name__)
        st.error(CRASH, icon="⚠️")


def _timed_main() -> None:
    """``main()``; with ``CLINIC_TIMING=1`` the server log gets one line per script run: the page and its
    duration in ms (no personal data), what ``bench/pages.py`` reports as the server's share."""
    if not os.environ.get("CLINIC_TIMING"):
        main()
        return
    t0 = time.perf_counter()
    try:
        main()
    finally:
        page = st.session_state.get("_timing_page", "?")
        print(f"CLINIC_TIMING {page} {(time.perf_counter() - t0) * 1000:.0f} ms", file=sys.stderr, flush=True)


_timed_main()
