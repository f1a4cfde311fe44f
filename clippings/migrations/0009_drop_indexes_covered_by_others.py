"""Two foreign keys lose the index Django gives each, which another index already covers by its
first column: article_provider_date (provider, -published_at) and related_link_unique_per_article
(article, url). Every new article and related link wrote both for nothing (an import of 10,000
documents: 0.06 s of PostgreSQL's CPU, of 2.8 s).

The indexes are dropped by name, not by AlterField: on SQLite, AlterField rebuilds the whole
table, which would drop migration 0003's search triggers on clippings_article.
"""

import django.db.models.deletion
from django.db import migrations, models

INDEXES = [
    ("clippings_article_provider_id_1e2db0e1", "clippings_article", "provider_id"),
    ("clippings_relatedlink_article_id_d6b5ed0b", "clippings_relatedlink", "article_id"),
]


class Migration(migrations.Migration):

    dependencies = [
        ("clippings", "0008_relatedlink_source_data_in_article"),
    ]

    operations = [
        migrations.SeparateDatabaseAndState(
            state_operations=[
                migrations.AlterField(
                    model_name="article",
                    name="provider",
                    field=models.ForeignKey(db_index=False, on_delete=django.db.models.deletion.PROTECT,
                                            related_name="articles", to="clippings.provider"),
                ),
                migrations.AlterField(
                    model_name="relatedlink",
                    name="article",
                    field=models.ForeignKey(db_index=False, on_delete=django.db.models.deletion.CASCADE,
                                            related_name="related_links", to="clippings.article"),
                ),
            ],
            database_operations=[
                migrations.RunSQL(f"DROP INDEX {name}", f"CREATE INDEX {name} ON {table} ({column})")
                for name, table, column in INDEXES
            ],
        ),
    ]
