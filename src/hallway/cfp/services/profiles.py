"""A speaker's own profile (name, pronouns, bio, links, photo), kept across calls."""

from __future__ import annotations

from django.urls import reverse

from hallway.cfp.models import (
    SpeakerProfile,
)
from hallway.cfp.services.calls import absolute_url


def speaker_profile(user) -> SpeakerProfile | None:
    return SpeakerProfile.objects.filter(user=user).first()


def save_profile(
    user, *, name: str, pronouns: str, bio: str, links: list[str], photo=None
) -> SpeakerProfile:
    """Save a speaker's profile; ``photo`` (already re-encoded) replaces the old one."""
    profile, _ = SpeakerProfile.objects.update_or_create(
        user=user, defaults={"name": name, "pronouns": pronouns, "bio": bio, "links": links}
    )
    if photo is not None:
        old = profile.photo.name if profile.photo else ""
        profile.photo.save(photo.name, photo, save=True)
        if old:
            profile.photo.storage.delete(old)
    return profile


def photo_url(profile: SpeakerProfile | None, *, absolute: bool = True) -> str:
    """Where the profile's photo is served ('' without one); absolute for the programme and
    its exports, which are read elsewhere."""
    if profile is None or not profile.photo:
        return ""
    path = reverse("cfp:photo", args=[profile.photo.name.rsplit("/", 1)[-1]])
    return absolute_url(path) if absolute else path
