"""Related links no longer keep a copy of their source entry: their article's `source_data` holds it.

Each clipping's source document lists its related coverage (`related`), and the whole document is
kept, verbatim, in the article's `source_data`; every related link kept that entry a second time
(17 MB of JSON per 10,000 imported documents, a sixth of what an import writes). The entry is still
there to read: `RelatedLink.source_entry` finds it in the article's document.

Reversed, the column comes back filled from the articles' documents.
"""

from django.db import migrations, models


def refill_source_data(apps, schema_editor):
    from clippings.documents import related_entry

    RelatedLink = apps.get_model("clippings", "RelatedLink")
    changed = []
    for link in RelatedLink.objects.select_related("article").only("url", "article", "article__source_data").iterator(2000):
        if (entry := related_entry(link.article.source_data, link.url)) is not None:
            link.source_data = entry
            changed.append(link)
        if len(changed) >= 2000:
            RelatedLink.objects.bulk_update(changed, ["source_data"])
            changed = []
    RelatedLink.objects.bulk_update(changed, ["source_data"])


class Migration(migrations.Migration):

    dependencies = [
        ("clippings", "0007_source_data_lz4_compression"),
    ]

    operations = [
        # Reversed (bottom up): the column is added back, then filled.
        migrations.RunPython(migrations.RunPython.noop, refill_source_data, elidable=True),
        migrations.RemoveField(model_name="relatedlink", name="source_data"),
    ]
