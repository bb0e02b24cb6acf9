"""Releases freeze each session's published state (scheduled or cancelled).

Existing releases were read with the sessions' live state until now, so that is what they
showed last: it is copied into their slots."""

from django.db import migrations, models
from django.db.models import OuterRef, Subquery


def freeze_states(apps, schema_editor):
    Slot = apps.get_model("schedule", "Slot")
    Session = apps.get_model("program", "Session")
    Slot.objects.filter(schedule__version__isnull=False, session__isnull=False).update(
        state=Subquery(Session.objects.filter(pk=OuterRef("session_id")).values("state")[:1])
    )


class Migration(migrations.Migration):
    dependencies = [
        ("schedule", "0002_release_slug"),
        ("program", "0001_initial"),
    ]

    operations = [
        migrations.AddField(
            model_name="slot",
            name="state",
            field=models.CharField(blank=True, editable=False, max_length=20),
        ),
        migrations.RunPython(freeze_states, migrations.RunPython.noop),
    ]
