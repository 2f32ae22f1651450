"""The portal's password hash: Argon2id with parameters from OWASP's guidance (ADR 0019)."""

from django.contrib.auth.hashers import Argon2PasswordHasher


class OwaspArgon2idPasswordHasher(Argon2PasswordHasher):
    """Argon2id, m = 19 MiB (19,456 KiB), t = 2, p = 1.

    One of the equivalent minimum configurations of the OWASP Password Storage Cheat Sheet
    (https://cheatsheetseries.owasp.org/cheatsheets/Password_Storage_Cheat_Sheet.html, section "Argon2id"), itself
    RFC 9106's second recommended option scaled to a web server. Django's defaults (100 MiB, t = 2, p = 8) cost
    about five times the memory per login; PBKDF2 at Django's 1,500,000 iterations costs about 0.5 s of CPU, which
    capped the portal at 4 logins a second on 2 cores (docs/benchmarks.md). This costs about 40 ms.

    The algorithm name stays Django's "argon2", so a hash made with other parameters still verifies here and is
    rehashed with these on the next successful login (`must_update`).
    """

    time_cost = 2
    memory_cost = 19 * 1024
    parallelism = 1
