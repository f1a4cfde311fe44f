"""The newsroom's two roles: Editors curate, tag and send to review; Publishers may also publish."""

from django.contrib.auth.management import create_permissions
from django.db import migrations

CURATE = [
    f"{action}_{model}"
    for model in ("article", "pressrelease", "provider", "topic", "relatedlink", "image")
    for action in ("add", "change", "view")
] + ["view_importrun", "delete_relatedlink", "delete_image"]
PUBLISH = ["publish_article", "publish_pressrelease"]
GROUPS = {"Editors": CURATE, "Publishers": CURATE + PUBLISH}


def create_groups(apps, schema_editor):
    # Permissions are normally created after all migrations; this one needs them now.
    for app_config in apps.get_app_configs():
        app_config.models_module = True
        create_permissions(app_config, verbosity=0)
        app_config.models_module = None
    Group = apps.get_model("auth", "Group")
    Permission = apps.get_model("auth", "Permission")
    for name, codenames in GROUPS.items():
        group, _ = Group.objects.get_or_create(name=name)
        group.permissions.add(
            *Permission.objects.filter(content_type__app_label="clippings", codename__in=codenames)
        )


def remove_groups(apps, schema_editor):
    apps.get_model("auth", "Group").objects.filter(name__in=GROUPS).delete()


class Migration(migrations.Migration):
    dependencies = [
        ("clippings", "0001_initial"),
        ("auth", "0012_alter_user_first_name_max_length"),
        ("contenttypes", "0002_remove_content_type_name"),
    ]

    operations = [migrations.RunPython(create_groups, remove_groups)]
