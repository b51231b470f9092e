"""Account services: writes about staff accounts go through here."""

import pyotp
from axes.utils import reset as axes_reset
from django.core.exceptions import PermissionDenied
from django.db import transaction
from django.utils import timezone

from kembali.accounts.lockout import can_unlock
from kembali.accounts.models import Role, TotpDevice, User
from kembali.accounts.totp import confirmed_device, matching_step
from kembali.audit.services import audit_record


@transaction.atomic
def user_unlock(*, actor, user: User, reason: str = "") -> int:
    """Lift a sign-in lockout. ``actor`` None means the command line (an operator
    with shell access). Returns how many attempt records were cleared."""
    if actor is not None and not can_unlock(actor, user):
        raise PermissionDenied("You may not unlock this account.")
    cleared = axes_reset(username=user.username)
    audit_record(
        actor=actor,
        action="unlock",
        obj=user,
        changes={"locked": [True, False]},
        reason=reason,
        # The event belongs to the unlocked person's office, so their supervisor
        # finds it in the audit trail whoever did the unlocking.
        office=user.office,
    )
    return cleared


@transaction.atomic
def totp_enrolment_start(*, user: User) -> TotpDevice:
    """A new, unconfirmed device with a fresh secret. Any earlier unconfirmed one
    is replaced; a confirmed one must be removed first."""
    if confirmed_device(user) is not None:
        raise PermissionDenied("This account already has a two-step sign-in app.")
    TotpDevice.objects.filter(user=user, confirmed_at__isnull=True).delete()
    return TotpDevice.objects.create(user=user, secret=pyotp.random_base32())


@transaction.atomic
def totp_enrolment_confirm(*, user: User, code: str) -> bool:
    """Confirm the app by its first code. True when it matched."""
    device = (
        TotpDevice.objects.select_for_update().filter(user=user, confirmed_at__isnull=True).first()
    )
    if device is None:
        return False
    step = matching_step(device.secret, code)
    if step is None:
        return False
    device.confirmed_at = timezone.now()
    device.last_used_step = step
    device.save(update_fields=["confirmed_at", "last_used_step"])
    audit_record(actor=user, action="two_step.enrol", obj=user, office=user.office)
    return True


@transaction.atomic
def totp_verify(*, user: User, code: str) -> bool:
    """Check a sign-in code. Each code works once: a code seen over someone's
    shoulder cannot be replayed within its 30 seconds."""
    device = (
        TotpDevice.objects.select_for_update().filter(user=user, confirmed_at__isnull=False).first()
    )
    if device is None:
        return False
    step = matching_step(device.secret, code)
    if step is None or step <= device.last_used_step:
        return False
    device.last_used_step = step
    device.save(update_fields=["last_used_step"])
    return True


@transaction.atomic
def totp_remove(*, actor, user: User, reason: str = "") -> None:
    """Remove a lost or replaced app. Only a national administrator may, for
    someone else: the person then enrols again at their next sign-in."""
    if actor is not None and not (
        actor.is_authenticated
        and actor.is_active
        and (actor.role == Role.NATIONAL_ADMIN or actor.is_superuser)
    ):
        raise PermissionDenied("Only a national administrator may remove a two-step app.")
    deleted, _ = TotpDevice.objects.filter(user=user).delete()
    if deleted:
        audit_record(
            actor=actor, action="two_step.remove", obj=user, office=user.office, reason=reason
        )


@transaction.atomic
def field_key_rotate() -> int:
    """Re-encrypt every stored secret with the newest key of KEMBALI_FIELD_KEY,
    so the older keys can then be dropped. No value changes, so nothing is
    audited. Returns the number of secrets re-encrypted."""
    rotated = 0
    for pk, secret in TotpDevice.objects.select_for_update().values_list("pk", "secret"):
        # Read decrypts with any key; the write encrypts with the first.
        TotpDevice.objects.filter(pk=pk).update(secret=secret)
        rotated += 1
    return rotated
