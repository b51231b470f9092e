"""Nobody can change or delete an audit record: not through the models, not
through a queryset, not through the admin, not even as a superuser."""

import pytest
from django.urls import reverse

from kembali.audit.models import AccessEvent, AuditEvent
from kembali.audit.services import access_record, audit_record
from tests.factories import UserFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def audit_event(aisyah):
    return audit_record(actor=aisyah, action="update", obj=aisyah, changes={"x": [1, 2]})


@pytest.fixture
def access_event(aisyah):
    return access_record(actor=aisyah, what="person.view", obj=aisyah)


@pytest.fixture
def superuser(hq_office):
    return UserFactory(username="root", is_staff=True, is_superuser=True, office=hq_office)


@pytest.mark.parametrize("model", [AuditEvent, AccessEvent])
def test_querysets_refuse_update_and_delete(model, audit_event, access_event):
    with pytest.raises(PermissionError):
        model.objects.all().update(object_id="forged")
    with pytest.raises(PermissionError):
        model.objects.filter(pk__gt=0).delete()
    assert model.objects.count() == 1


def test_an_instance_refuses_save_and_delete(audit_event, access_event):
    for event in (audit_event, access_event):
        event.object_id = "forged"
        with pytest.raises(PermissionError):
            event.save()
        with pytest.raises(PermissionError):
            event.delete()
    assert AuditEvent.objects.get().object_id != "forged"
    assert AccessEvent.objects.get().object_id != "forged"


@pytest.mark.parametrize(
    ("model", "fixture"), [("auditevent", "audit_event"), ("accessevent", "access_event")]
)
def test_the_admin_shows_but_never_adds_changes_or_deletes(
    client, superuser, request, model, fixture
):
    event = request.getfixturevalue(fixture)
    client.force_login(superuser)
    listing = client.get(reverse(f"admin:audit_{model}_changelist"))
    assert listing.status_code == 200
    html = listing.content.decode()
    assert "delete_selected" not in html
    assert reverse(f"admin:audit_{model}_add") not in html

    assert client.get(reverse(f"admin:audit_{model}_add")).status_code == 403
    detail = client.get(reverse(f"admin:audit_{model}_change", args=[event.pk]))
    assert detail.status_code == 200
    assert 'name="_save"' not in detail.content.decode()
    response = client.post(
        reverse(f"admin:audit_{model}_change", args=[event.pk]), {"object_id": "forged"}
    )
    assert response.status_code == 403
    assert (
        client.post(
            reverse(f"admin:audit_{model}_delete", args=[event.pk]), {"post": "yes"}
        ).status_code
        == 403
    )
    assert type(event).objects.get(pk=event.pk).object_id == event.object_id
