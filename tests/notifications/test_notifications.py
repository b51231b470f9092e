import pytest
from django.core import mail
from django.urls import reverse

from kembali.notifications.models import Notification
from kembali.notifications.services import notification_send

pytestmark = pytest.mark.django_db


def test_a_notification_is_stored_and_emailed_once_per_key(
    aisyah, django_capture_on_commit_callbacks
):
    aisyah.email = "aisyah@perkeso.example"
    aisyah.save()
    with django_capture_on_commit_callbacks(execute=True):
        first = notification_send(user=aisyah, subject="Intervention overdue", dedupe_key="k1")
        again = notification_send(user=aisyah, subject="Intervention overdue", dedupe_key="k1")
    assert first is not None and again is None
    assert Notification.objects.filter(user=aisyah).count() == 1
    assert [m.subject for m in mail.outbox] == ["Intervention overdue"]


def test_the_list_shows_only_my_notifications_and_marks_them_read(client, aisyah, farid):
    notification_send(user=aisyah, subject="Plan awaiting approval", url="/cases/")
    notification_send(user=farid, subject="Someone else's news")
    client.force_login(aisyah)
    page = client.get(reverse("notifications:list"))
    assert "Plan awaiting approval" in page.content.decode()
    assert "Someone else" not in page.content.decode()

    mine = Notification.objects.get(user=aisyah)
    client.post(reverse("notifications:read", args=[mine.pk]))
    mine.refresh_from_db()
    assert mine.read_at is not None


def test_marking_another_users_notification_changes_nothing(client, aisyah, farid):
    theirs = notification_send(user=farid, subject="Private")
    client.force_login(aisyah)
    client.post(reverse("notifications:read", args=[theirs.pk]))
    theirs.refresh_from_db()
    assert theirs.read_at is None


def test_anonymous_users_are_sent_to_login(client):
    response = client.get(reverse("notifications:list"))
    assert response.status_code == 302
    assert "/accounts/login" in response["Location"]
