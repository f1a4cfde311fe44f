"""Database locks for work that must not run twice at once, on one host or on many.

On PostgreSQL a transaction-scoped advisory lock; on SQLite every write transaction is IMMEDIATE
(see settings), which already serialises writers, so nothing more is needed.
"""

import zlib

from django.db import connection


def hold_lock(name: str) -> None:
    """Wait for, then hold until the end of the current transaction, the lock called `name`."""
    if connection.vendor == "postgresql":
        with connection.cursor() as cursor:
            cursor.execute("SELECT pg_advisory_xact_lock(%s)", [zlib.crc32(name.encode())])
