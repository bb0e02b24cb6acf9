"""PBKDF2 with few iterations, for the test suite only.

Django's default (PBKDF2-SHA256, 1,000,000 iterations) costs about half a second a password
on these machines, and every small test world creates six accounts.  This hasher writes the
same algorithm with fewer iterations; the count is stored in each hash, so a server started
by a test with the real settings (gunicorn in a subprocess) still checks these passwords.
"""

from django.contrib.auth.hashers import PBKDF2PasswordHasher


class QuickPBKDF2PasswordHasher(PBKDF2PasswordHasher):
    iterations = 1_000
