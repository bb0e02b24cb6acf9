# Attendee and Favourite now belong to hallway.attendees (its migration 0001 took over the
# tables); the agenda app forgets them without touching the database.

from django.db import migrations


class Migration(migrations.Migration):
    dependencies = [
        ("agenda", "0001_initial"),
        ("attendees", "0001_initial"),
    ]

    operations = [
        migrations.SeparateDatabaseAndState(
            state_operations=[
                migrations.DeleteModel(name="Favourite"),
                migrations.DeleteModel(name="Attendee"),
            ],
            database_operations=[],
        ),
    ]
