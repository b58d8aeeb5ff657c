"""Clinic Analytics: the router. Login, then only the pages the role may open (st.navigation).

This is the only file that knows roles → pages (through ``analytics.privacy.PAGE_ACCESS``);
every page also checks access itself, so a URL without the role shows a refusal and no data.
"""

from __future__ import annotations

import contextlib

import streamlit as st

from analytics.dashboards.common import ROLE_LABELS
from analytics.privacy import may_open
from ui import auth, data

st.set_page_config(page_title="Clinic Analytics", page_icon="🦷", layout="wide")

#: page id -> (file, title, icon); order = menu order
PAGES = {
    "executivo": ("pages/executivo.py", "Executivo", "📈"),
    "operacoes": ("pages/operacoes.py", "Operações", "🎧"),
    "marketing": ("pages/marketing.py", "Marketing", "📣"),
    "ia": ("pages/ia.py", "IA", "🤖"),
    "secretaria": ("pages/secretaria.py", "Secretária", "🗂️"),
}


def login_page() -> None:
    """The only page before login (st.navigation hides every other page, including pages/)."""
    try:
        cfg = auth.load_config()
    except auth.AuthConfigError as exc:
        st.error(f"Configuração de acesso inválida: {exc}. Avise o administrador.", icon="🛑")
        return
    authenticator = auth.authenticator(cfg)
    st.title("🦷 Clinic Analytics")
    try:
        authenticator.login(location="main", fields=auth.LOGIN_FIELDS, key="login")
    except Exception:
        st.error("Não foi possível validar o login. Tente novamente.")
        return
    status = st.session_state.get("authentication_status")
    if status is True:
        st.rerun()  # build the role's navigation
    elif status is False:
        st.error("Usuário ou senha incorretos.")
    else:
        st.caption("Entre com seu usuário e senha.")


def sidebar_account() -> None:
    viewer = auth.current_viewer()
    if viewer is None:
        return
    sb = st.sidebar
    sb.markdown(f"**{auth.display_name()}** · {ROLE_LABELS.get(viewer.role, viewer.role)}")
    authenticator = st.session_state.get("_authenticator")
    if authenticator is not None:
        with contextlib.suppress(Exception):  # a logout widget failure must not hide the page
            authenticator.logout("Sair", location="sidebar", key="logout")
        if st.session_state.get("authentication_status") is not True:
            st.rerun()
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
            data.clear()


viewer = auth.current_viewer()
if viewer is None:
    if st.session_state.get("authentication_status") is True:  # logged in but not (or no longer) in auth.yaml
        st.session_state["authentication_status"] = None
    # every page's URL shows the login form, so a deep link (with its filters) survives the login
    def _login_at(pid: str) -> st.Page:
        def show() -> None:
            login_page()

        show.__name__ = f"login_{pid}"
        return st.Page(show, title="Entrar", url_path=pid)

    login_pages = [st.Page(login_page, title="Entrar", icon="🔑", url_path="entrar", default=True)]
    login_pages += [_login_at(pid) for pid in PAGES]
    st.navigation(login_pages, position="hidden").run()
    st.stop()
try:
    st.session_state["_authenticator"] = auth.authenticator(auth.load_config())
except auth.AuthConfigError as exc:
    st.error(f"Configuração de acesso inválida: {exc}. Avise o administrador.", icon="🛑")
    st.stop()
pages = [st.Page("ui/landing.py", title="Início", icon="🏠", default=True, url_path="inicio")]
pages += [st.Page(f, title=t, icon=i, url_path=pid) for pid, (f, t, i) in PAGES.items() if may_open(viewer.role, pid)]
nav = st.navigation(pages)
sidebar_account()
nav.run()
