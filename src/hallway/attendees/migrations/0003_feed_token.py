"""The calendar feed's own token, and one agenda per account and umbrella.

Existing attendees get a distinct random feed token each (a callable default on a unique
column would give every row the same value)."""

import uuid

from django.conf import settings
from django.db import migrations, models


def fill_feed_tokens(apps, schema_editor):
    Attendee = apps.get_model("attendees", "Attendee")
    rows = list(Attendee.objects.only("pk"))
    for row in rows:
        row.feed_token = uuid.uuid4()
    Attendee.objects.bulk_update(rows, ["feed_token"], batch_size=2000)


class Migration(migrations.Migration):
    dependencies = [
        ("attendees", "0002_attendee_change_emails"),
        ("events", "0001_initial"),
        migrations.swappable_dependency(settings.AUTH_USER_MODEL),
    ]

    operations = [
        migrations.AddField(
            model_name="attendee",
            name="feed_token",
            field=models.UUIDField(editable=False, null=True),
        ),
        migrations.RunPython(fill_feed_tokens, migrations.RunPython.noop),
        migrations.AlterField(
            model_name="attendee",
            name="feed_token",
            field=models.UUIDField(default=uuid.uuid4, editable=False, unique=True),
        ),
        migrations.AddConstraint(
            model_name="attendee",
            constraint=models.UniqueConstraint(
                condition=models.Q(user__isnull=False),
                fields=("event", "user"),
                name="attendee_one_per_account",
            ),
        ),
    ]
