"""Changes made in the Django admin land in the audit trail, once per object,
with old and new values, and never with a password or a secret."""

import datetime as dt
import json

import pyotp
import pytest
from django.contrib import admin
from django.contrib.auth.models import Group
from django.urls import reverse
from django.utils import timezone

from kembali.accounts.models import Office, Role, TotpDevice, User
from kembali.audit.admin import ReadOnlyAuditAdmin
from kembali.audit.admin_mixin import REDACTED_SECRET, AuditedAdminMixin
from kembali.audit.models import AuditEvent
from tests.factories import OfficeFactory, UserFactory, state

pytestmark = pytest.mark.django_db


@pytest.fixture
def root(hq_office):
    return UserFactory(
        username="root",
        is_staff=True,
        is_superuser=True,
        role=Role.NATIONAL_ADMIN,
        office=hq_office,
    )


@pytest.fixture
def admin_client(client, root):
    client.force_login(root)
    return client


def _form_data(response) -> dict:
    """What the admin's change form would post back unchanged."""
    form = response.context["adminform"].form
    data = {}
    for name, field in form.fields.items():
        if field.disabled:
            continue
        value = form[name].value()
        if isinstance(value, dt.datetime):
            local = timezone.localtime(value)
            data[f"{name}_0"] = local.date().isoformat()
            data[f"{name}_1"] = local.time().isoformat(timespec="seconds")
        elif isinstance(value, bool):
            if value:
                data[name] = "on"
        elif isinstance(value, list | tuple):
            data[name] = [getattr(v, "pk", v) for v in value]
        elif value is not None:
            data[name] = getattr(value, "pk", value)
    return data


def _events(**filters):
    return list(AuditEvent.objects.filter(**filters).order_by("id"))


def test_every_registered_admin_is_audited_or_read_only():
    unaudited = [
        model._meta.label
        for model, model_admin in admin.site._registry.items()
        if not isinstance(model_admin, AuditedAdminMixin | ReadOnlyAuditAdmin)
    ]
    assert unaudited == []


def test_a_role_changed_in_the_admin_is_one_event_with_old_and_new(admin_client, aisyah, root):
    url = reverse("admin:accounts_user_change", args=[aisyah.pk])
    data = _form_data(admin_client.get(url))
    data["role"] = Role.SUPERVISOR
    response = admin_client.post(url, data)
    assert response.status_code == 302, response.context["adminform"].form.errors

    aisyah.refresh_from_db()
    assert aisyah.role == Role.SUPERVISOR
    [event] = _events(object_type="accounts.user", object_id=str(aisyah.pk))
    assert event.action == "update"
    assert event.actor == root
    assert event.changes == {"role": ["case_manager", "supervisor"]}
    # Filed under the edited person's office, where their supervisor looks.
    assert event.office == aisyah.office


def test_saving_without_a_change_records_an_empty_change(admin_client, aisyah):
    url = reverse("admin:accounts_user_change", args=[aisyah.pk])
    admin_client.post(url, _form_data(admin_client.get(url)))
    [event] = _events(object_type="accounts.user", object_id=str(aisyah.pk))
    assert event.changes == {}


def test_a_password_set_in_the_admin_is_recorded_but_never_shown(admin_client, aisyah):
    old_hash = aisyah.password
    url = reverse("admin:auth_user_password_change", args=[aisyah.pk])
    response = admin_client.post(
        url,
        {"password1": "a-new-Passw0rd-2026", "password2": "a-new-Passw0rd-2026"},
    )
    assert response.status_code == 302
    aisyah.refresh_from_db()
    assert aisyah.check_password("a-new-Passw0rd-2026")

    [event] = _events(object_type="accounts.user", object_id=str(aisyah.pk))
    assert event.changes == {"password": [REDACTED_SECRET, REDACTED_SECRET]}
    stored = json.dumps(event.changes)
    assert old_hash not in stored
    assert aisyah.password not in stored


def test_a_user_added_in_the_admin_is_a_create_event_without_the_password(admin_client, kl_office):
    response = admin_client.post(
        reverse("admin:accounts_user_add"),
        {
            "username": "hana",
            "password1": "hana-Passw0rd-2026",
            "password2": "hana-Passw0rd-2026",
            "usable_password": "true",
            "role": Role.CASE_MANAGER,
            "office": kl_office.pk,
        },
    )
    assert response.status_code == 302, response.context["adminform"].form.errors
    hana = User.objects.get(username="hana")
    [event] = _events(object_type="accounts.user", object_id=str(hana.pk))
    assert event.action == "create"
    assert event.changes["username"] == [None, "hana"]
    assert event.changes["role"] == [None, "case_manager"]
    assert event.changes["office"] == [None, kl_office.pk]
    assert event.changes["password"] == [None, REDACTED_SECRET]
    assert hana.password not in json.dumps(event.changes)


def test_a_bulk_delete_of_three_offices_is_three_events(admin_client, root):
    offices = [
        OfficeFactory(code=f"DEL{n}", name=f"Closed office {n}", state=state("01"))
        for n in range(3)
    ]
    kept = OfficeFactory(code="KEEP", name="Kept office", state=state("01"))
    response = admin_client.post(
        reverse("admin:accounts_office_changelist"),
        {
            "action": "delete_selected",
            "_selected_action": [o.pk for o in offices],
            "post": "yes",
        },
    )
    assert response.status_code == 302
    assert list(Office.objects.filter(code__startswith="DEL")) == []
    events = _events(object_type="accounts.office", action="delete")
    assert sorted(e.object_id for e in events) == sorted(str(o.pk) for o in offices)
    assert sorted(e.changes["code"][0] for e in events) == ["DEL0", "DEL1", "DEL2"]
    assert all(e.changes["code"][1] is None for e in events)
    assert all(e.actor == root for e in events)
    assert Office.objects.filter(pk=kept.pk).exists()
    assert not _events(object_id=str(kept.pk), object_type="accounts.office")


def test_deleting_one_office_is_one_event(admin_client):
    office = OfficeFactory(code="GONE", name="Gone office", state=state("01"))
    response = admin_client.post(
        reverse("admin:accounts_office_delete", args=[office.pk]), {"post": "yes"}
    )
    assert response.status_code == 302
    [event] = _events(object_type="accounts.office")
    assert event.action == "delete"
    assert event.changes["name"] == ["Gone office", None]


def test_a_group_made_in_the_admin_is_audited_too(admin_client):
    response = admin_client.post(reverse("admin:auth_group_add"), {"name": "Auditors"})
    assert response.status_code == 302
    group = Group.objects.get(name="Auditors")
    [event] = _events(object_type="auth.group", object_id=str(group.pk))
    assert event.action == "create"
    assert event.changes == {"name": [None, "Auditors"]}


def test_removing_a_two_step_app_in_the_admin_is_recorded_once(admin_client, aisyah):
    device = TotpDevice.objects.create(user=aisyah, secret=pyotp.random_base32())
    response = admin_client.post(
        reverse("admin:accounts_totpdevice_delete", args=[device.pk]), {"post": "yes"}
    )
    assert response.status_code == 302
    assert not TotpDevice.objects.filter(user=aisyah).exists()
    [event] = AuditEvent.objects.all()
    assert event.action == "two_step.remove"
    assert event.reason == "removed in the admin"


def test_the_office_supervisor_finds_the_admin_change_and_no_other_does(
    client, admin_client, aisyah, chong, gopal
):
    url = reverse("admin:accounts_user_change", args=[aisyah.pk])
    data = _form_data(admin_client.get(url))
    data["last_name"] = "Rahman-Ali"
    admin_client.post(url, data)

    client.force_login(chong)
    html = client.get(reverse("audit:trail")).content.decode()
    assert "Rahman-Ali" in html
    client.force_login(gopal)
    html = client.get(reverse("audit:trail")).content.decode()
    assert "Rahman-Ali" not in html
