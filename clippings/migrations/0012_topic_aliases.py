"""Topic aliases and ignored names, and the old slugs of renamed and merged topics; editors and
publishers may curate aliases. On SQLite, the topic names' index is rebuilt with the LOWER() that
folds every letter (clippings.apps), which built it for no row before."""

from django.contrib.auth.management import create_permissions
import django.db.models.deletion
import django.db.models.functions.text
from django.db import migrations, models

CURATE_ALIASES = ["add_topicalias", "change_topicalias", "delete_topicalias", "view_topicalias"]


def grant(apps, schema_editor):
    # Permissions are normally created after all migrations (0002_editorial_groups says the same).
    app_config = apps.get_app_config("clippings")
    app_config.models_module = True
    create_permissions(app_config, verbosity=0)
    app_config.models_module = None
    Permission = apps.get_model("auth", "Permission")
    for group in apps.get_model("auth", "Group").objects.filter(name__in=["Editors", "Publishers"]):
        group.permissions.add(*Permission.objects.filter(content_type__app_label="clippings",
                                                         codename__in=CURATE_ALIASES))


def reindex_topic_names(apps, schema_editor):
    if schema_editor.connection.vendor == "sqlite":
        schema_editor.execute("REINDEX topic_name_unique_ignoring_case")


class Migration(migrations.Migration):

    dependencies = [
        ('clippings', '0011_proposed_changes'),
        ('clippings', '0002_editorial_groups'),
    ]

    operations = [
        migrations.CreateModel(
            name='TopicSlug',
            fields=[
                ('id', models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name='ID')),
                ('slug', models.SlugField(max_length=100, unique=True)),
                ('topic', models.ForeignKey(on_delete=django.db.models.deletion.CASCADE, related_name='old_slugs', to='clippings.topic')),
            ],
            options={
                'ordering': ['slug'],
            },
        ),
        migrations.CreateModel(
            name='TopicAlias',
            fields=[
                ('id', models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name='ID')),
                ('name', models.CharField(max_length=100)),
                ('created_at', models.DateTimeField(auto_now_add=True)),
                ('topic', models.ForeignKey(blank=True, help_text='Imports tag this topic instead. Empty: imports drop the name (ignored).', null=True, on_delete=django.db.models.deletion.CASCADE, related_name='aliases', to='clippings.topic')),
            ],
            options={
                'verbose_name': 'topic alias or ignored name',
                'verbose_name_plural': 'topic aliases and ignored names',
                'ordering': ['name'],
                'constraints': [models.UniqueConstraint(django.db.models.functions.text.Lower('name'), name='topic_alias_name_unique_ignoring_case', violation_error_message='This name is already an alias or ignored.')],
            },
        ),
        migrations.RunPython(grant, migrations.RunPython.noop),
        migrations.RunPython(reindex_topic_names, migrations.RunPython.noop),
    ]
