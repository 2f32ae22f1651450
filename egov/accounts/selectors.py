"""Reads of accounts: the account a person means by the identifier they typed, and its second factor."""

from django.db.models import Q
from django_otp.plugins.otp_totp.models import TOTPDevice

from egov.accounts.id_number import normalize_id_number
from egov.accounts.models import Role, User
from egov.accounts.phone import looks_like_phone, normalize_phone


def user_find_by_identifier(identifier: str) -> User | None:
    """The account whose username, ID number or phone is `identifier` (typed in any usual form), if any."""
    identifier = identifier.strip()
    if not identifier:
        return None
    lookup = Q(username=identifier)
    if looks_like_phone(identifier):
        lookup |= Q(phone=normalize_phone(identifier))
    number = normalize_id_number(identifier)
    if len(number) == 12 and number.isdigit():
        lookup |= Q(id_number=number)
    # Username, ID number and phone are each unique, but one string could match two different accounts
    # (an officer username made of digits); the citizen columns win, then the oldest account.
    matches = list(User.objects.filter(lookup).order_by("pk")[:3])
    for user in matches:
        if user.phone == normalize_phone(identifier) or user.id_number == number:
            return user
    return matches[0] if matches else None


def login_identifier_key(identifier: str) -> str:
    """One spelling per identifier, so '+84 912…' and '0912…' share a failure counter."""
    identifier = identifier.strip()
    if looks_like_phone(identifier):
        return normalize_phone(identifier)
    number = normalize_id_number(identifier)
    if len(number) == 12 and number.isdigit():
        return number
    return identifier.lower()


def user_must_have_second_factor(user: User) -> bool:
    """The admin's staff and the city's staff reach every commune's records: a password alone is not enough."""
    return user.is_staff or user.is_superuser or user.role == Role.CITY


def user_totp_device(user: User) -> TOTPDevice | None:
    """The authenticator app the account confirmed, if any (the portal enrols one per account)."""
    return TOTPDevice.objects.devices_for_user(user, confirmed=True).order_by("pk").first()


def user_needs_second_factor(user: User) -> bool:
    """Whether the login asks a code after the password: always for those who must, and for officers who enrolled."""
    return user_must_have_second_factor(user) or user_totp_device(user) is not None
