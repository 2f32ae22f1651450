"""Writes of accounts: citizen registration, password reset by a one-time code sent by SMS and e-mail, and the
authenticator app of the second login step."""

import datetime
import logging
import secrets

from django.core.cache import cache
from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.utils.crypto import constant_time_compare, salted_hmac
from django.utils.translation import gettext as _
from django_otp import verify_token
from django_otp.plugins.otp_totp.models import TOTPDevice

from egov.accounts.models import Role, User
from egov.accounts.selectors import user_find_by_identifier
from egov.accounts.throttle import login_failures_clear
from egov.notifications.gateway import NotificationError, send_email, send_sms

logger = logging.getLogger(__name__)

RESET_CODE_TTL_SECONDS = 10 * 60
RESET_CODE_MAX_ATTEMPTS = 5
# Codes cost an SMS each and each one gives the guesser new tries, so sends are rationed per account.
RESET_CODE_MAX_SENDS = 3
RESET_CODE_SEND_WINDOW_SECONDS = 60 * 60


@transaction.atomic
def citizen_register(
    *,
    full_name: str,
    id_number: str,
    sex: str,
    birth_date: datetime.date,
    phone: str,
    email: str,
    password: str,
) -> User:
    """Create a citizen account whose login name is the ID number; ValidationError if it already exists."""
    user = User(
        username=id_number,
        full_name=full_name.strip(),
        id_number=id_number,
        sex=sex,
        birth_date=birth_date,
        phone=phone,
        email=email,
        role=Role.CITIZEN,
    )
    user.set_password(password)
    try:
        # The form checked for duplicates; a double submit can still race it to the unique index.
        with transaction.atomic():
            user.save()
    except IntegrityError:
        raise ValidationError(_("Số định danh hoặc số điện thoại này đã có tài khoản. Hãy đăng nhập.")) from None
    return user


def _code_key(user: User) -> str:
    return f"password-reset:{user.pk}:code"


def _attempts_key(user: User) -> str:
    return f"password-reset:{user.pk}:attempts"


def _sends_key(user: User) -> str:
    return f"password-reset:{user.pk}:sends"


def _code_digest(user: User, code: str) -> str:
    # Keyed with SECRET_KEY and bound to the account and its current password, so a leaked cache is useless
    # and a code dies as soon as the password changes.
    return salted_hmac(
        "egov.accounts.password-reset", f"{user.pk}:{user.password}:{code}", algorithm="sha256"
    ).hexdigest()


def password_reset_code_send(*, identifier: str) -> None:
    """Send a fresh 6-digit code to the account's phone (and e-mail), if such an account exists.

    Says nothing either way: the caller shows the same page whether or not the account exists.
    """
    user = user_find_by_identifier(identifier)
    if user is None or not user.is_active or not (user.phone or user.email):
        return
    cache.add(_sends_key(user), 0, timeout=RESET_CODE_SEND_WINDOW_SECONDS)
    if cache.incr(_sends_key(user)) > RESET_CODE_MAX_SENDS:
        logger.info("password reset code not sent to user %s: too many requests", user.pk)
        return
    code = f"{secrets.randbelow(10**6):06d}"
    cache.set(_code_key(user), _code_digest(user, code), timeout=RESET_CODE_TTL_SECONDS)
    cache.delete(_attempts_key(user))
    # SMS text without diacritics: it fits one 160-character GSM message, as Vietnamese brand-name SMS do.
    sms_text = _(
        "DVC Ha Noi: ma dat lai mat khau cua ban la %(code)s, hieu luc 10 phut. Khong cung cap ma nay cho ai."
    ) % {"code": code}
    try:
        if user.phone:
            send_sms(phone=user.phone, text=sms_text)
        if user.email:
            send_email(
                to=user.email,
                subject=_("Mã đặt lại mật khẩu – Cổng dịch vụ công Hà Nội"),
                text=_(
                    "Xin chào %(name)s,\n\nMã đặt lại mật khẩu của bạn là %(code)s. Mã có hiệu lực trong 10 phút.\n"
                    "Nếu bạn không yêu cầu đặt lại mật khẩu, hãy bỏ qua thư này; mật khẩu của bạn không thay đổi.\n"
                )
                % {"name": user.full_name, "code": code},
            )
    except NotificationError:
        # The page must not differ for existing accounts, so a gateway failure is only logged.
        logger.exception("password reset code for user %s not delivered", user.pk)


def password_reset_code_verify(*, identifier: str, code: str) -> User | None:
    """The account if `code` is its current reset code; each wrong try uses one of a few attempts."""
    user = user_find_by_identifier(identifier)
    if user is None:
        return None
    digest = cache.get(_code_key(user))
    if digest is None:
        return None
    cache.add(_attempts_key(user), 0, timeout=RESET_CODE_TTL_SECONDS)
    if constant_time_compare(digest, _code_digest(user, code)):
        return user
    if cache.incr(_attempts_key(user)) >= RESET_CODE_MAX_ATTEMPTS:
        cache.delete(_code_key(user))
    return None


def password_reset_complete(*, user: User, new_password: str) -> None:
    """Set the new password, spend the code and lift any login lock on the account's identifiers."""
    user.set_password(new_password)
    user.save(update_fields=["password"])
    cache.delete_many([_code_key(user), _attempts_key(user)])
    for identifier in filter(None, [user.username, user.id_number, user.phone]):
        login_failures_clear(identifier=identifier)


def totp_device_start(*, user: User) -> TOTPDevice:
    """The authenticator app the account is enrolling: one unconfirmed device, kept across page loads so that the
    QR code on the page stays the one the officer scanned."""
    device = TOTPDevice.objects.devices_for_user(user, confirmed=False).order_by("pk").first()
    return device or TOTPDevice.objects.create(user=user, name=_("Ứng dụng xác thực"), confirmed=False)


def totp_device_verify(*, user: User, device: TOTPDevice, token: str) -> TOTPDevice | None:
    """The device if `token` is its current code (each code is accepted once); the first right code of an enrolling
    device confirms it."""
    with transaction.atomic():
        # django-otp locks the device row, so two requests cannot both spend the same code.
        verified = verify_token(user, device.persistent_id, token)
        if verified is not None and not verified.confirmed:
            verified.confirmed = True
            verified.save(update_fields=["confirmed"])
    return verified
