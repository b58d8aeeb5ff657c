"""Excel and PDF builders over a neutral ``Report`` description (no Streamlit)."""
