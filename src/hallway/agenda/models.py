"""The public programme pages keep no data of their own: attendees and their favourites live
in ``hallway.attendees``."""
