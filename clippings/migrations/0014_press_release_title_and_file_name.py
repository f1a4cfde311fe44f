"""Press releases are known by their title and file name, no longer by their title alone (issue 14,
defect 5): a release keyed by its title alone is keyed by its title and its file's name, or, should
another release have that key already, by its title and path (as the importer keys the second of
two files with one title and one name)."""

from pathlib import PurePath

from django.db import migrations, models


def key(folded_title: str, file: str) -> str:  # as importer.release_key, frozen here
    file = file[-200:]
    return f"{folded_title[: 499 - len(file)]}\n{file}"


def key_by_title_and_file_name(apps, schema_editor):
    PressRelease = apps.get_model("clippings", "PressRelease")
    taken = set(PressRelease.objects.values_list("title_key", flat=True))
    for release in PressRelease.objects.exclude(source_name="").exclude(title_key__contains="\n").order_by("pk"):
        by_name = key(release.title_key, PurePath(release.source_name).name)
        release.title_key = by_name if by_name not in taken else key(release.title_key, release.source_name)
        taken.add(release.title_key)
        release.save(update_fields=["title_key"])


def key_by_title(apps, schema_editor):
    PressRelease = apps.get_model("clippings", "PressRelease")
    taken = set(PressRelease.objects.values_list("title_key", flat=True))
    for release in PressRelease.objects.filter(title_key__contains="\n").order_by("pk"):
        title = release.title.casefold()[:500]
        if title not in taken:
            release.title_key = title
            taken.add(title)
            release.save(update_fields=["title_key"])


class Migration(migrations.Migration):

    dependencies = [
        ("clippings", "0013_import_run_recorded_at_start"),
    ]

    operations = [
        migrations.AlterField(
            model_name="historicalpressrelease",
            name="title_key",
            field=models.CharField(db_index=True, editable=False, help_text="The source title, folded, and its file's name: how a re-import finds this press release again.", max_length=500),
        ),
        migrations.AlterField(
            model_name="pressrelease",
            name="title_key",
            field=models.CharField(editable=False, help_text="The source title, folded, and its file's name: how a re-import finds this press release again.", max_length=500, unique=True),
        ),
        migrations.RunPython(key_by_title_and_file_name, key_by_title),
    ]
