"""Mark the published dates of coverage as CoverageDateTimeField (no change to the tables)."""


import clippings.models.articles
from django.db import migrations


class Migration(migrations.Migration):

    dependencies = [
        ('clippings', '0010_article_search_document'),
    ]

    operations = [
        migrations.AlterField(
            model_name='article',
            name='published_at',
            field=clippings.models.articles.CoverageDateTimeField(blank=True, help_text='When the provider published it.', null=True, verbose_name='date'),
        ),
        migrations.AlterField(
            model_name='historicalarticle',
            name='published_at',
            field=clippings.models.articles.CoverageDateTimeField(blank=True, help_text='When the provider published it.', null=True, verbose_name='date'),
        ),
        migrations.AlterField(
            model_name='relatedlink',
            name='published_at',
            field=clippings.models.articles.CoverageDateTimeField(blank=True, null=True, verbose_name='date'),
        ),
    ]
