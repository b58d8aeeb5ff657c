"""The framework's floor for bench/pages.py: one line of app, two trivial pages to navigate between."""

import streamlit as st

st.navigation([st.Page(lambda: st.title("Piso"), title="Piso", url_path="piso", default=True),
               st.Page(lambda: st.title("Piso 2"), title="Piso 2", url_path="piso2")]).run()
