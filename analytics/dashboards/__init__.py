"""Pure view-models, one module per dashboard page: what each page shows, computed from a ``Dataset``.

No Streamlit here; the pages in ``pages/`` only lay these out.
"""
