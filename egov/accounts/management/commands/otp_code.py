"""`manage.py otp_code USERNAME`: the code the account's authenticator app shows now, for the demo and development."""

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError

from egov.accounts.models import User
from egov.accounts.otp import totp_code
from egov.accounts.selectors import user_totp_device


class Command(BaseCommand):
    help = "Print the current second-factor code of an account, e.g. the demo's thanhpho.hanoi (never in production)."

    def add_arguments(self, parser) -> None:
        parser.add_argument("username")

    def handle(self, *args, username: str, **options) -> None:
        if settings.PRODUCTION:
            # Whoever can run commands on a server must still not stand in for an officer's phone.
            raise CommandError("otp_code does not run in production: the code is the second factor of a real account.")
        user = User.objects.filter(username=username).first()
        if user is None:
            raise CommandError(f"There is no account {username!r}.")
        device = user_totp_device(user)
        if device is None:
            raise CommandError(f"{username} has no confirmed authenticator app.")
        self.stdout.write(totp_code(device))
