"""The public content's version, one row in the database (clippings/cache.py)."""

from django.db import migrations, models
from django.utils import timezone


def first_version(apps, schema_editor):
    apps.get_model("clippings", "ContentVersion").objects.create(id=1, token="first", changed_at=timezone.now())


class Migration(migrations.Migration):
    dependencies = [("clippings", "0014_press_release_title_and_file_name")]

    operations = [
        migrations.CreateModel(
            name="ContentVersion",
            fields=[
                ("id", models.PositiveSmallIntegerField(default=1, primary_key=True, serialize=False)),
                ("token", models.CharField(max_length=32)),
                ("changed_at", models.DateTimeField()),
            ],
            options={
                "constraints": [models.CheckConstraint(condition=models.Q(("id", 1)),
                                                       name="content_version_single_row")],
            },
        ),
        migrations.RunPython(first_version, migrations.RunPython.noop),
    ]
