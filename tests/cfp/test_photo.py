"""A speaker's photo: re-encoded by Pillow (JPEG, at most 800 px, no metadata), refused with
a reason when it is not a usable picture, served under a random name, and handed to the
programme's speaker when a session is confirmed."""

from __future__ import annotations

import io

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from PIL import Image

from hallway.cfp.models import SpeakerProfile, Submission
from hallway.cfp.services import decisions, profiles, submitting

from .conftest import give_role, make_user
from .test_services import content

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def media(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path


def picture(kind="PNG", size=(2000, 1000)) -> bytes:
    out = io.BytesIO()
    image = Image.new("RGB", size, (200, 40, 40))
    exif = Image.Exif()
    exif[0x010F] = "SecretCam"  # Make: metadata that must not survive
    image.save(out, kind, exif=exif)
    return out.getvalue()


def post_profile(client, upload):
    return client.post(
        "/accounts/speaker-profile/",
        {"name": "Ada", "pronouns": "", "bio": "", "links_text": "", "photo_upload": upload},
    )


def test_a_photo_is_reencoded_small_and_served(client):
    ada = make_user("ada@example.net")
    client.force_login(ada)
    response = post_profile(client, SimpleUploadedFile("me.png", picture(), "image/png"))
    assert response.status_code == 302
    profile = SpeakerProfile.objects.get(user=ada)
    url = profiles.photo_url(profile, absolute=False)
    assert url.startswith("/accounts/photos/") and url.endswith(".jpg")
    client.logout()
    served = client.get(url)
    assert served["Content-Type"] == "image/jpeg"
    image = Image.open(io.BytesIO(b"".join(served.streaming_content)))
    assert (image.format, image.size) == ("JPEG", (800, 400))
    assert b"SecretCam" not in profile.photo.open("rb").read()
    assert client.get("/accounts/photos/not-a-photo.jpg").status_code == 404


@pytest.mark.parametrize(
    ("data", "error"),
    [
        (b"%PDF-1.4 not a picture", "not a picture hallway can read"),
        (picture("GIF", (10, 10)), "A GIF image cannot be used"),
        (b"x" * (5 * 1024 * 1024 + 1), "larger than 5 MB"),
    ],
    ids=["not-an-image", "gif", "too-large"],
)
def test_an_unusable_photo_is_refused_next_to_the_field(client, data, error):
    ada = make_user("ada@example.net")
    client.force_login(ada)
    response = post_profile(client, SimpleUploadedFile("me.bin", data))
    assert response.status_code == 200
    assert error in response.context["form"].errors["photo_upload"][0]
    assert not SpeakerProfile.objects.filter(user=ada).exists()


def test_a_new_photo_replaces_the_old_file(client, tmp_path):
    client.force_login(make_user("ada@example.net"))
    post_profile(client, SimpleUploadedFile("a.png", picture(), "image/png"))
    post_profile(client, SimpleUploadedFile("b.jpg", picture("JPEG", (300, 300)), "image/jpeg"))
    assert len(list((tmp_path / "speakers").iterdir())) == 1


def test_the_programme_speaker_gets_the_photo_on_confirmation(open_cfp, talk, kcd_track):
    ada = make_user("ada@example.net", name="Ada")
    profiles.save_profile(
        ada,
        name="Ada",
        pronouns="",
        bio="",
        links=[],
        photo=SimpleUploadedFile("p.jpg", picture("JPEG", (50, 50))),
    )
    organiser = give_role(make_user("org@example.net"), open_cfp.event)
    submission = submitting.create_submission(
        open_cfp.event, ada, content(talk, kcd_track), submit=True
    )
    decisions.decide(submission, Submission.ACCEPTED, organiser)
    decisions.confirm(submission, ada)
    submission.refresh_from_db()
    [speaker] = submission.session.ordered_speakers()
    assert speaker.picture_url == profiles.photo_url(SpeakerProfile.objects.get(user=ada))
    assert speaker.picture_url.startswith("http")
