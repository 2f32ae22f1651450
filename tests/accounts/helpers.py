"""Helpers of the account tests: a login attempt, who the session is signed in as, and an authenticator app."""

from django.test import Client
from django.urls import reverse
from django_otp.plugins.otp_totp.models import TOTPDevice

from egov.accounts.models import User

URL = reverse("accounts:login")
CODE = reverse("accounts:login-code")


def attempt(client: Client, identifier: str, password: str, **extra):
    return client.post(URL, {"username": identifier, "password": password}, **extra)


def logged_in_user_id(client: Client) -> int | None:
    value = client.session.get("_auth_user_id")
    return int(value) if value else None


def enrol(user: User) -> TOTPDevice:
    return TOTPDevice.objects.create(user=user, name="Điện thoại", confirmed=True)
