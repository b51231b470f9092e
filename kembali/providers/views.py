"""The provider directory: who treats what, where, and how to reach them.

Referral counts come through the reverse relation "referrals" (plans.ProviderReferral)
as an annotation, so this lower floor never imports the plans app."""

from django import forms
from django.conf import settings
from django.contrib.auth.decorators import login_required
from django.core.paginator import Paginator
from django.db.models import Count, Q
from django.http import Http404
from django.shortcuts import render
from django.utils.translation import gettext_lazy as _

from kembali.providers.models import Provider, Service
from kembali.reference.models import State

# Referral statuses still waiting for the provider's report (plans.ReferralStatus).
WAITING_FOR_REPORT = ("referred", "accepted")


class StateChoiceField(forms.ModelChoiceField):
    def label_from_instance(self, obj) -> str:
        return obj.local_name


class ProviderFilterForm(forms.Form):
    state = StateChoiceField(
        label=_("State"),
        queryset=State.objects.order_by("name"),
        required=False,
        empty_label=_("All states"),
    )
    service = forms.ChoiceField(
        label=_("Service"), required=False, choices=[("", _("All services")), *Service.choices]
    )


def provider_directory(*, state=None, service: str = ""):
    """Active providers, optionally in one state and offering one service."""
    qs = Provider.objects.active().select_related("state").prefetch_related("services")
    if state is not None:
        qs = qs.filter(state=state)
    if service:
        qs = qs.offering(service)
    return qs.order_by("name", "city")


@login_required
def provider_list(request):
    form = ProviderFilterForm(request.GET or None)
    criteria = form.cleaned_data if form.is_valid() else {}
    providers = provider_directory(state=criteria.get("state"), service=criteria.get("service", ""))
    page = Paginator(providers, settings.KEMBALI_PAGE_SIZE).get_page(request.GET.get("page"))
    return render(
        request,
        "providers/provider_list.html",
        {
            "form": form,
            "page_obj": page,
            "providers": page.object_list,
            "filtered": bool(criteria.get("state") or criteria.get("service")),
        },
    )


@login_required
def provider_detail(request, pk: int):
    # Inactive providers stay readable: older plans and referrals still name them.
    qs = (
        Provider.objects.select_related("state")
        .prefetch_related("services")
        .annotate(
            referral_count=Count("referrals", distinct=True),
            waiting_count=Count(
                "referrals",
                filter=Q(referrals__status__in=WAITING_FOR_REPORT),
                distinct=True,
            ),
        )
    )
    try:
        provider = qs.get(pk=pk)
    except Provider.DoesNotExist:
        raise Http404("No such provider.") from None
    return render(request, "providers/provider_detail.html", {"provider": provider})
