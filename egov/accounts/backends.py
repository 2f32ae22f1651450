"""Log in with a username, a personal ID number or a phone number, and the password."""

from django.contrib.auth.backends import ModelBackend

from egov.accounts.models import User
from egov.accounts.selectors import user_find_by_identifier


class IdNumberOrPhoneBackend(ModelBackend):
    def authenticate(self, request, username=None, password=None, **kwargs):
        identifier = (username or kwargs.get(User.USERNAME_FIELD) or "").strip()
        if not identifier or password is None:
            return None
        user = user_find_by_identifier(identifier)
        if user is None:
            # Spend the same time as a real check, so response time does not reveal which accounts exist.
            User().set_password(password)
            return None
        if user.check_password(password) and self.user_can_authenticate(user):
            return user
        return None
