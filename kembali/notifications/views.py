from django.contrib.auth.decorators import login_required
from django.core.paginator import Paginator
from django.shortcuts import redirect, render
from django.views.decorators.http import require_POST

from kembali.notifications.models import Notification
from kembali.notifications.services import notification_mark_read, notifications_mark_all_read


@login_required
def notification_list(request):
    qs = Notification.objects.filter(user=request.user)
    page = Paginator(qs, 25).get_page(request.GET.get("page"))
    return render(request, "notifications/list.html", {"page_obj": page})


@require_POST
@login_required
def notification_read(request, pk: int):
    notification_mark_read(user=request.user, notification_id=pk)
    return redirect("notifications:list")


@require_POST
@login_required
def notification_read_all(request):
    notifications_mark_all_read(user=request.user)
    return redirect("notifications:list")
