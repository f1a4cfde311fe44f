"""An index in the order search picks its candidates in: newest first, undated last (clippings/search.py).

PostgreSQL only. Its descending indexes put NULLs first, so the existing article_date index cannot
serve `published_at DESC NULLS LAST`; SQLite sorts NULLs lowest, so its article_date already has
this order (and SQLite's CREATE INDEX has no NULLS LAST to write).
"""

from django.db import migrations

INDEX = "clippings_article_newest_first"


def create_index(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute(f"CREATE INDEX {INDEX} ON clippings_article (published_at DESC NULLS LAST, id DESC)")


def drop_index(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute(f"DROP INDEX {INDEX}")


class Migration(migrations.Migration):

    dependencies = [
        ("clippings", "0004_reader_indexes"),
    ]

    operations = [
        migrations.RunPython(create_index, drop_index),
    ]
