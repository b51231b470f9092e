"""The sums of the interventions' costs per day, office and sex
(kembali.plans.cost_days): what counts, in exact sen, and additions made at once by
several transactions all kept."""

import datetime as dt
import threading
from decimal import Decimal

import pytest
from django.db import connection, connections, transaction

from kembali.plans.cost_days import cost_days_add, counted_sums, in_sen
from kembali.plans.models import InterventionCostDay, InterventionStatus

DAY = dt.date(2026, 3, 2)


def test_a_cost_is_counted_in_exact_sen():
    assert in_sen(Decimal("0.10")) + in_sen(Decimal("0.20")) == 30
    assert in_sen(Decimal("12345678.99")) == 1234567899
    assert in_sen("7.5") == 750


def test_only_the_plan_in_force_and_what_is_not_cancelled_counts():
    rows = [
        (DAY, 1, "F", InterventionStatus.PLANNED, Decimal("100.00"), True),
        (DAY, 1, "F", InterventionStatus.OVERDUE, Decimal("0.50"), True),
        (DAY, 1, "F", InterventionStatus.CANCELLED, Decimal("900.00"), True),
        (DAY, 1, "F", InterventionStatus.PLANNED, Decimal("800.00"), False),  # a draft's
        (DAY, 1, None, InterventionStatus.COMPLETED, Decimal("20.00"), True),  # sex unknown
        (DAY, 2, "M", InterventionStatus.IN_PROGRESS, Decimal("3.00"), True),
    ]

    assert counted_sums(rows) == {(DAY, 1, "F"): 10050, (DAY, 1, ""): 2000, (DAY, 2, "M"): 300}


@pytest.mark.django_db
def test_additions_add_up_and_take_away(kl_office):
    key = (DAY, kl_office.pk, "F")
    cost_days_add({key: 10050})
    cost_days_add({key: -50, (DAY, kl_office.pk, "M"): 0})  # nothing added for a zero

    assert list(InterventionCostDay.objects.values_list("person_sex", "sen")) == [("F", 10000)]


@pytest.mark.skipif(connection.vendor != "postgresql", reason="concurrent writers: PostgreSQL")
@pytest.mark.django_db(transaction=True, serialized_rollback=True)
def test_additions_made_at_once_are_all_kept(kl_office):
    """Eight transactions at once, each adding to the same day's sum (the first ones
    racing to start it): every addition is in the sum."""
    writers, additions = 8, 25
    start = threading.Barrier(writers)
    failures = []

    def add():
        try:
            start.wait()
            for _ in range(additions):
                with transaction.atomic():
                    cost_days_add({(DAY, kl_office.pk, "F"): 100})
        except Exception as exc:  # reported below, not lost in the thread
            failures.append(repr(exc))
        finally:
            connections.close_all()

    threads = [threading.Thread(target=add) for _ in range(writers)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()

    assert failures == []
    assert list(InterventionCostDay.objects.values_list("sen", flat=True)) == [
        writers * additions * 100
    ]
