"""Two-step sign-in with a time-based one-time password (RFC 6238, pyotp).

Optional for staff, required for national administrators (and superusers): the
middleware kembali.core.middleware.TwoStepMiddleware holds a fresh password
sign-in at the code page, or at enrolment for an administrator who has no app
yet, until a code is given."""

import pyotp
from django.conf import settings
from django.utils import timezone

from kembali.accounts.models import Role, TotpDevice
from kembali.core.digits import digits_only

ISSUER = "Kembali"
# Session key: "verify" or "enrol" while a signed-in session still owes a code.
PENDING_SESSION_KEY = "kembali_two_step_pending"
STEP_SECONDS = 30


def two_step_required(user) -> bool:
    roles = getattr(settings, "KEMBALI_TOTP_REQUIRED_ROLES", [Role.NATIONAL_ADMIN])
    return bool(user.is_superuser or user.role in roles)


def confirmed_device(user) -> TotpDevice | None:
    return TotpDevice.objects.filter(user=user, confirmed_at__isnull=False).first()


def provisioning_uri(device: TotpDevice) -> str:
    """The otpauth:// address an authenticator app reads (from a QR code, or typed)."""
    return pyotp.TOTP(device.secret).provisioning_uri(name=device.user.username, issuer_name=ISSUER)


def grouped_secret(secret: str) -> str:
    """The secret in groups of four, easier to type into an app by hand."""
    return " ".join(secret[i : i + 4] for i in range(0, len(secret), 4))


def matching_step(secret: str, code: str, *, at=None) -> int | None:
    """The time step the code belongs to (this one, or one either side for clock
    drift), or None if it matches none."""
    code = digits_only(code or "")
    if len(code) != 6:
        return None
    totp = pyotp.TOTP(secret)
    now = (at or timezone.now()).timestamp()
    current = int(now // STEP_SECONDS)
    for step in (current, current - 1, current + 1):
        if totp.at(step * STEP_SECONDS) == code:
            return step
    return None
