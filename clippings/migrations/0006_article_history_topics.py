"""Article versions include the topics (HistoricalRecords(m2m_fields=["topics"])).

Versions recorded before this migration had no copy of the topics. Each is given the article's
current topics: restoring one of them leaves the topics as they are, as it did before, and no diff
between two of them shows a change of topics that was never recorded.
"""

import django.db.models.deletion
import simple_history.models
from django.db import migrations, models


class Migration(migrations.Migration):

    dependencies = [
        ('clippings', '0005_search_newest_first_index'),
    ]

    operations = [
        migrations.CreateModel(
            name='HistoricalArticle_topics',
            fields=[
                ('id', models.BigIntegerField(auto_created=True, blank=True, db_index=True, verbose_name='ID')),
                ('m2m_history_id', models.AutoField(primary_key=True, serialize=False)),
                ('article', models.ForeignKey(blank=True, db_constraint=False, db_tablespace='', null=True, on_delete=django.db.models.deletion.DO_NOTHING, related_name='+', to='clippings.article')),
                ('history', models.ForeignKey(db_constraint=False, on_delete=django.db.models.deletion.DO_NOTHING, to='clippings.historicalarticle')),
                ('topic', models.ForeignKey(blank=True, db_constraint=False, db_tablespace='', null=True, on_delete=django.db.models.deletion.DO_NOTHING, related_name='+', to='clippings.topic')),
            ],
            options={
                'verbose_name': 'HistoricalArticle_topics',
            },
            bases=(simple_history.models.HistoricalChanges, models.Model),
        ),
        migrations.RunSQL(
            "INSERT INTO clippings_historicalarticle_topics (id, article_id, topic_id, history_id) "
            "SELECT t.id, t.article_id, t.topic_id, h.history_id FROM clippings_article_topics t "
            "INNER JOIN clippings_historicalarticle h ON h.id = t.article_id",
            migrations.RunSQL.noop,
        ),
    ]
