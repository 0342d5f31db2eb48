"""What the bench scripts share: a throwaway database and made-up resident ID numbers.

``throwaway_database(name)`` creates ``name`` on the server of DATABASE_URL
(postgres://postgres@127.0.0.1:5432/postgres when unset), points
DATABASE_URL at it, sets Django up, migrates, and drops the database again
when the block ends, so a bench never touches real data.

Scripts import this as ``from _throwaway import ...`` (``python bench/<script>.py``
puts bench/ on sys.path) after adding the project root to sys.path themselves.
"""
from __future__ import annotations

import datetime as dt
import os
from collections.abc import Iterator
from contextlib import contextmanager
from urllib.parse import urlsplit, urlunsplit

from stdnum.iso7064 import mod_11_2

DEFAULT_DATABASE_URL = "postgres://postgres@127.0.0.1:5432/postgres"


def database_url() -> str:
    """DATABASE_URL, or the local server's default when it is unset or empty."""
    return os.environ.get("DATABASE_URL") or DEFAULT_DATABASE_URL


def setup_django() -> None:
    """Django set up against DATABASE_URL (never the embedded server), for benches that need no database."""
    os.environ["DATABASE_URL"] = database_url()
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "reliefdesk.settings")
    import django

    django.setup()


def _server_url(url: str, database: str) -> str:
    parts = urlsplit(url)
    return urlunsplit((parts.scheme, parts.netloc, f"/{database}", parts.query, parts.fragment))


def _admin_connection(url: str):
    import psycopg2

    parts = urlsplit(url)
    connection = psycopg2.connect(dbname="postgres", user=parts.username or "postgres",
                                  password=parts.password or None, host=parts.hostname or None,
                                  port=parts.port or None)
    connection.autocommit = True
    return connection


def _drop_and_create(admin, name: str, *, create: bool) -> None:
    from psycopg2 import sql

    with admin.cursor() as cursor:
        cursor.execute(sql.SQL("DROP DATABASE IF EXISTS {}").format(sql.Identifier(name)))
        if create:
            cursor.execute(sql.SQL("CREATE DATABASE {}").format(sql.Identifier(name)))


@contextmanager
def throwaway_database(name: str, *, keep: bool = False) -> Iterator[None]:
    """Create ``name`` afresh, set Django up on it and migrate; drop it afterwards unless ``keep``."""
    base_url = database_url()
    admin = _admin_connection(base_url)
    try:
        _drop_and_create(admin, name, create=True)
        os.environ["DATABASE_URL"] = _server_url(base_url, name)
        os.environ.setdefault("DJANGO_SETTINGS_MODULE", "reliefdesk.settings")
        try:
            import django
            from django.core.management import call_command

            django.setup()
            call_command("migrate", verbosity=0)
            yield
        finally:
            from django.db import connections

            connections.close_all()
            if not keep:
                _drop_and_create(admin, name, create=False)
    finally:
        admin.close()


def id_birth_date(seq: int) -> dt.date:
    """The birth date encoded in ``id_number(seq)``."""
    return dt.date(1960, 1, 1) + dt.timedelta(days=seq % 15000)


def id_number(seq: int) -> str:
    """A resident ID number with a valid GB 11643 check digit, distinct for every seq below 15,000,000."""
    first17 = f"110113{id_birth_date(seq):%Y%m%d}{seq // 15000 % 1000:03d}"
    return first17 + mod_11_2.calc_check_digit(first17)  # GB 11643, as cases.validators.id_check_char
