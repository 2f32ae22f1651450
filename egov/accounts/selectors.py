"""Reads of accounts: find the account a citizen or officer means by the identifier they typed."""

from django.db.models import Q

from egov.accounts.id_number import normalize_id_number
from egov.accounts.models import User
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
