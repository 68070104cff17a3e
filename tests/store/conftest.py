from dbfixtures import pg_server, pg_url, sqlite_url, store_url  # noqa: F401
