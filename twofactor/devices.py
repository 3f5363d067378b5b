"""A person's second factor: an authenticator app (django-otp's TOTP device) and ten recovery
codes (django-otp's static tokens, each usable once), and who must have them.

Everything that reads or changes a person's devices is here; the pages (views.py) and the sign-in
(signing_in.py) call these functions.
"""

import re
import time
from base64 import b32encode
from dataclasses import dataclass

import segno
from django.db import transaction
from django_otp.oath import TOTP
from django_otp.plugins.otp_static.models import StaticDevice, StaticToken
from django_otp.plugins.otp_totp.models import TOTPDevice, default_key

from partnerships.models import Partnership, Role

RECOVERY_CODES = 10
APP_DEVICE_NAME = "Authenticator app"
RECOVERY_DEVICE_NAME = "Recovery codes"
# What people may type around a code: "123 456", "abcd-efgh".
SEPARATORS = re.compile(r"[\s-]+")
APP_CODE = re.compile(r"^\d{6}$")


def must_use_two_factor(user) -> bool:
    """Whether the person must sign in with a second factor when they use a password: site
    administrators (superusers and staff) and the administrators of any partnership."""
    return (
        user.is_superuser
        or user.is_staff
        or Partnership.objects.filter(
            memberships__user=user, memberships__role=Role.ADMINISTRATOR
        ).exists()
    )


def app_of(user) -> TOTPDevice | None:
    """The person's authenticator app, once it is set up (confirmed with a code)."""
    return TOTPDevice.objects.devices_for_user(user, confirmed=True).first()


def has_two_factor(user) -> bool:
    return app_of(user) is not None


def new_key() -> str:
    """A new secret key for an authenticator app (hex, 20 random bytes, as django-otp makes
    them). Kept in the session while the person sets their app up: nothing is written until a
    code confirms it."""
    return default_key()


def app_to_set_up(user, key: str) -> TOTPDevice:
    """The authenticator app the person is setting up, not saved: for its QR code."""
    return TOTPDevice(user=user, name=APP_DEVICE_NAME, key=key)


def secret_key_text(key: str) -> str:
    """A device's secret key (hex, as django-otp keeps it) as people type it into an
    authenticator app: base32, in groups of four characters."""
    key = b32encode(bytes.fromhex(key)).decode().rstrip("=")
    return " ".join(key[start : start + 4] for start in range(0, len(key), 4))


def qr_code_data_uri(device: TOTPDevice) -> str:
    """The device's otpauth:// address as a QR code, an SVG image in a data: URI (the Content
    Security Policy allows data: images; no markup is built or marked safe)."""
    return segno.make(device.config_url, error="m").svg_data_uri(
        scale=5, border=4, dark="#0b0c0c", light="#ffffff"
    )


@dataclass(frozen=True)
class CodeCheck:
    """What came of a code: accepted, or not; `too_soon` when django-otp's throttling refused to
    check it at all (a wrong code was typed moments before: the wait doubles with each one)."""

    accepted: bool
    too_soon: bool = False
    recovery_code: bool = False


def normalised(code: str) -> str:
    return SEPARATORS.sub("", code or "").lower()


def check_code(user, code: str) -> CodeCheck:
    """Check a code the person typed: six digits from their authenticator app, or else one of
    their recovery codes (used up when accepted)."""
    code = normalised(code)
    recovery = not APP_CODE.match(code)
    model = StaticDevice if recovery else TOTPDevice
    with transaction.atomic():
        device = (
            model.objects.devices_for_user(user, confirmed=True)
            .select_for_update()
            .order_by("pk")
            .first()
        )
        if device is None:
            return CodeCheck(accepted=False, recovery_code=recovery)
        allowed, _ = device.verify_is_allowed()
        if not allowed:
            return CodeCheck(accepted=False, too_soon=True, recovery_code=recovery)
        return CodeCheck(accepted=device.verify_token(code), recovery_code=recovery)


def confirm_app(user, key: str, code: str) -> list[str] | None:
    """Set up the person's authenticator app on `key`, once they type a code it shows (now, or
    30 seconds either side, as at sign-in): it becomes their app (any earlier one is removed)
    and they get ten new recovery codes, returned to be shown once. None when the code is not
    right. The code is then used up, as a code used to sign in is."""
    code = normalised(code)
    if not APP_CODE.match(code):
        return None
    app = app_to_set_up(user, key)
    totp = TOTP(app.bin_key, app.step, app.t0, app.digits)
    totp.time = time.time()
    if not totp.verify(int(code), tolerance=app.tolerance):
        return None
    with transaction.atomic():
        TOTPDevice.objects.filter(user=user).delete()
        app.last_t, app.drift, app.confirmed = totp.t(), totp.drift, True
        app.save()
        return new_recovery_codes(user)


def new_recovery_codes(user) -> list[str]:
    """Ten new recovery codes for the person; the ones they had before stop working."""
    with transaction.atomic():
        device = StaticDevice.objects.filter(user=user).order_by("pk").first()
        if device is None:
            device = StaticDevice.objects.create(user=user, name=RECOVERY_DEVICE_NAME)
        device.token_set.all().delete()
        codes = [StaticToken.random_token() for _ in range(RECOVERY_CODES)]
        StaticToken.objects.bulk_create(StaticToken(device=device, token=code) for code in codes)
        return codes


def recovery_codes_left(user) -> int:
    return StaticToken.objects.filter(device__user=user, device__confirmed=True).count()


def turn_off(user) -> None:
    """Remove the person's authenticator app and recovery codes."""
    with transaction.atomic():
        TOTPDevice.objects.filter(user=user).delete()
        StaticDevice.objects.filter(user=user).delete()


def give_app(user, key: str) -> TOTPDevice:
    """Give the person a confirmed authenticator app with a known key (hex): the demo's
    administrators, whose key `seed_demo` prints. Replaces any app they had."""
    with transaction.atomic():
        TOTPDevice.objects.filter(user=user).delete()
        return TOTPDevice.objects.create(user=user, name=APP_DEVICE_NAME, key=key, confirmed=True)
