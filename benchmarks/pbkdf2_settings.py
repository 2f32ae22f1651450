"""The portal's settings with its former password hasher first (PBKDF2): what benchmarks/logins.py compares with."""

from egov.settings import *  # noqa: F403

PASSWORD_HASHERS = [
    "django.contrib.auth.hashers.PBKDF2PasswordHasher",
    "egov.accounts.hashers.OwaspArgon2idPasswordHasher",
]
