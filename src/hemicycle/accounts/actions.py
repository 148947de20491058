"""Second factor (TOTP) for staff: enrolment, confirmation, verification, removal.

A code is checked with django-otp's device, which throttles repeated failures. Enabling and
disabling are journaled; so are failed verifications."""

from base64 import b32encode
from io import BytesIO

from django.core.exceptions import ValidationError
from django.db import transaction
from django_otp.plugins.otp_totp.models import TOTPDevice

from hemicycle.journal.services import record

DEVICE_NAME = "Application d'authentification"


def confirmed_device(user) -> TOTPDevice | None:
    return TOTPDevice.objects.filter(user=user, confirmed=True).first()


def pending_device(user) -> TOTPDevice | None:
    return TOTPDevice.objects.filter(user=user, confirmed=False).first()


def _check_token(device: TOTPDevice, token: str) -> None:
    """Raise ValidationError (French) unless the code is right; failures are throttled."""
    allowed, _info = device.verify_is_allowed()
    if not allowed:
        raise ValidationError("Trop de codes erronés : patientez quelques instants avant de réessayer.")
    if not device.verify_token(token):  # counts the failure (commits it) for throttling
        raise ValidationError("Code incorrect ou expiré : saisissez le code à 6 chiffres affiché par votre application.")


@transaction.atomic
def start_totp_enrolment(user) -> TOTPDevice:
    """Create the not-yet-confirmed device whose secret the user scans (staff only)."""
    if not user.is_staff_user:
        raise ValidationError("La double authentification est proposée aux agents de la collectivité.")
    if confirmed_device(user) is not None:
        raise ValidationError("La double authentification est déjà activée.")
    device = pending_device(user)
    if device is None:
        device = TOTPDevice.objects.create(user=user, name=DEVICE_NAME, confirmed=False)
    return device


def confirm_totp_enrolment(user, token: str) -> TOTPDevice:
    """The user proves the application is set up by giving a current code."""
    device = pending_device(user)
    if device is None:
        raise ValidationError("Aucune activation en cours : recommencez.")
    _check_token(device, token)
    with transaction.atomic():
        device.confirmed = True
        device.save(update_fields=["confirmed"])
        record("auth.totp_enabled", actor=user, obj=user)
    return device


@transaction.atomic
def cancel_totp_enrolment(user) -> None:
    TOTPDevice.objects.filter(user=user, confirmed=False).delete()


def disable_totp(user, token: str) -> None:
    """Remove the second factor; a current code is required."""
    device = confirmed_device(user)
    if device is None:
        raise ValidationError("La double authentification n'est pas activée.")
    _check_token(device, token)
    with transaction.atomic():
        TOTPDevice.objects.filter(user=user).delete()
        record("auth.totp_disabled", actor=user, obj=user)


def verify_second_factor(user, token: str, *, ip: str = "") -> TOTPDevice:
    """Check the code given after the password; returns the device (for django_otp.login)."""
    device = confirmed_device(user)
    if device is None:
        raise ValidationError("La double authentification n'est pas activée pour ce compte.")
    try:
        _check_token(device, token)
    except ValidationError:
        record("auth.otp_failed", actor=user, obj=user, data={"ip": ip})
        raise
    return device


def secret_text(device: TOTPDevice) -> str:
    """The secret in base32, by groups of four, for applications without a camera."""
    secret = b32encode(device.bin_key).decode("ascii").rstrip("=")
    return " ".join(secret[i:i + 4] for i in range(0, len(secret), 4))


def qr_code_svg(device: TOTPDevice) -> bytes:
    """The otpauth:// URL as an SVG QR code (qrcode's SVG factory: no Pillow needed)."""
    import qrcode
    from qrcode.image.svg import SvgPathFillImage

    image = qrcode.make(device.config_url, image_factory=SvgPathFillImage, box_size=10, border=2)
    buffer = BytesIO()
    image.save(buffer)
    return buffer.getvalue()
