"""Import runs are recorded when they start: a status, a heartbeat while running, why one failed.

Runs recorded before this migration were all finished ones.
"""

from django.db import migrations, models


class Migration(migrations.Migration):
    dependencies = [("clippings", "0012_topic_aliases")]

    operations = [
        migrations.AlterField(
            model_name="importrun", name="finished_at", field=models.DateTimeField(blank=True, null=True),
        ),
        # Added as finished (every run recorded so far was), then new runs start as running.
        migrations.AddField(
            model_name="importrun", name="status",
            field=models.CharField(choices=[("running", "Running"), ("finished", "Finished"), ("failed", "Failed")],
                                   default="finished", max_length=10),
        ),
        migrations.AlterField(
            model_name="importrun", name="status",
            field=models.CharField(choices=[("running", "Running"), ("finished", "Finished"), ("failed", "Failed")],
                                   default="running", max_length=10),
        ),
        migrations.AddField(
            model_name="importrun", name="heartbeat_at",
            field=models.DateTimeField(blank=True, help_text="When the running import was last seen.", null=True),
        ),
        migrations.AddField(
            model_name="importrun", name="error",
            field=models.TextField(blank=True, help_text="Why the import stopped, when it failed."),
        ),
    ]
