"""The only code that talks to a database: the bot's PostgreSQL, DuckDB files, the demo."""
