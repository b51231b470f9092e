"""Notifying staff: an in-app notification, and an e-mail through Django's backend."""

import logging

from django.core.mail import send_mail
from django.db import IntegrityError, transaction
from django.utils import timezone

from kembali.notifications.models import Notification

logger = logging.getLogger(__name__)


def notification_send(
    *, user, subject: str, body: str = "", url: str = "", dedupe_key: str = ""
) -> Notification | None:
    """Store a notification for the user and e-mail it after commit.

    With a dedupe_key, a second call for the same user and key sends nothing and
    returns None, so background jobs can safely run twice."""
    if dedupe_key and Notification.objects.filter(user=user, dedupe_key=dedupe_key).exists():
        return None
    try:
        with transaction.atomic():
            notification = Notification.objects.create(
                user=user, subject=subject[:200], body=body, url=url, dedupe_key=dedupe_key
            )
    except IntegrityError:
        return None  # a concurrent run stored it first
    if user.email:
        transaction.on_commit(lambda: _email(user.email, subject, body, url))
    return notification


def _email(address: str, subject: str, body: str, url: str) -> None:
    text = f"{body}\n\n{url}".strip()
    try:
        send_mail(subject, text, None, [address])
    except Exception:  # the in-app notification stands even when mail is down
        logger.exception("Could not e-mail notification to %s", address)


def notification_mark_read(*, user, notification_id: int) -> bool:
    """Mark one of the user's own notifications read; False if it is not theirs."""
    updated = Notification.objects.filter(
        user=user, pk=notification_id, read_at__isnull=True
    ).update(read_at=timezone.now())
    return updated == 1


def notifications_mark_all_read(*, user) -> int:
    return Notification.objects.filter(user=user, read_at__isnull=True).update(
        read_at=timezone.now()
    )
