"""The authenticator app's side of the second login step: its current code, and the QR code and key to enrol it."""

import base64
import io
from typing import NamedTuple

import qrcode
from django_otp.oath import TOTP
from django_otp.plugins.otp_totp.models import TOTPDevice


def totp_code(device: TOTPDevice) -> str:
    """The code the app shows now for this device, zero-padded as the app shows it."""
    token = TOTP(device.bin_key, device.step, device.t0, device.digits, device.drift).token()
    return f"{token:0{device.digits}d}"


class QrImage(NamedTuple):
    src: str  # a PNG data URI: an <img> the Content-Security-Policy allows, with no script
    size: int  # pixels, width and height


def totp_qr_image(device: TOTPDevice) -> QrImage:
    """The enrolment QR code, which carries the key, the account's name and the portal's name to the app."""
    image = qrcode.make(device.config_url, box_size=6, border=4)
    buffer = io.BytesIO()
    image.save(buffer, format="PNG")
    return QrImage(src="data:image/png;base64," + base64.b64encode(buffer.getvalue()).decode(), size=image.pixel_size)


def totp_key_groups(device: TOTPDevice) -> str:
    """The secret key in base32 as apps ask it when typed by hand, in groups of four so it can be read aloud."""
    key = base64.b32encode(device.bin_key).decode().rstrip("=")
    return " ".join(key[start : start + 4] for start in range(0, len(key), 4))
