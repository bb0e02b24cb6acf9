# Attendee and Favourite moved here from the agenda app (the public pages) so that the
# scheduler can read favourites without importing the public site.  The tables already
# exist: this migration takes over their state, then renames them to this app's names.

import uuid

import django.db.models.deletion
from django.conf import settings
from django.db import migrations, models


class Migration(migrations.Migration):
    initial = True

    dependencies = [
        ("agenda", "0001_initial"),
        ("events", "0001_initial"),
        ("program", "0001_initial"),
        migrations.swappable_dependency(settings.AUTH_USER_MODEL),
    ]

    operations = [
        migrations.SeparateDatabaseAndState(
            state_operations=[
                migrations.CreateModel(
                    name="Attendee",
                    fields=[
                        ("id", models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name="ID")),
                        ("created_at", models.DateTimeField(auto_now_add=True)),
                        ("updated_at", models.DateTimeField(auto_now=True)),
                        ("token", models.UUIDField(default=uuid.uuid4, editable=False, unique=True)),
                        ("event", models.ForeignKey(on_delete=django.db.models.deletion.CASCADE, related_name="attendees", to="events.event")),
                        ("user", models.ForeignKey(blank=True, null=True, on_delete=django.db.models.deletion.CASCADE, to=settings.AUTH_USER_MODEL)),
                    ],
                    options={"db_table": "agenda_attendee"},
                ),
                migrations.CreateModel(
                    name="Favourite",
                    fields=[
                        ("id", models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name="ID")),
                        ("created_at", models.DateTimeField(auto_now_add=True)),
                        ("updated_at", models.DateTimeField(auto_now=True)),
                        ("attendee", models.ForeignKey(on_delete=django.db.models.deletion.CASCADE, related_name="favourites", to="attendees.attendee")),
                        ("session", models.ForeignKey(on_delete=django.db.models.deletion.CASCADE, related_name="favourites", to="program.session")),
                    ],
                    options={
                        "db_table": "agenda_favourite",
                        "constraints": [models.UniqueConstraint(fields=("attendee", "session"), name="favourite_unique")],
                    },
                ),
            ],
            database_operations=[],
        ),
        migrations.AlterModelTable(name="attendee", table=None),
        migrations.AlterModelTable(name="favourite", table=None),
    ]
