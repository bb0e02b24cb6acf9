"""Organiser-area tests log in many users; a fast password hasher keeps their worlds cheap
(hashing is not what these tests test)."""

import pytest


@pytest.fixture(autouse=True)
def _fast_password_hasher(settings):
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
