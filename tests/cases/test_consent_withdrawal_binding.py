"""A withdrawn consent ends the case: the supervisor approves the closure and may
not send the case back into rehabilitation without new consent."""

import pytest

from kembali.cases.models import ClosureReason, Status
from kembali.cases.workflow import TransitionNotAllowed, allowed_targets, case_transition
from tests.factories import CaseFactory

pytestmark = pytest.mark.django_db


def test_a_closure_for_withdrawn_consent_cannot_be_refused(kl_office, aisyah, chong):
    case = CaseFactory(office=kl_office, status=Status.IN_REHABILITATION, case_manager=aisyah)
    case_transition(
        case=case,
        to=Status.CLOSURE_PENDING,
        actor=aisyah,
        closure_reason=ClosureReason.CONSENT_WITHDRAWN,
        reason="She no longer wants to take part.",
    )

    assert allowed_targets(case, chong) == [Status.CLOSED]
    with pytest.raises(TransitionNotAllowed, match="withdrew their consent"):
        case_transition(case=case, to=Status.IN_REHABILITATION, actor=chong, reason="Try again.")

    case_transition(case=case, to=Status.CLOSED, actor=chong, reason="Consent withdrawn.")
    case.refresh_from_db()
    assert case.status == Status.CLOSED
    assert case.closure_reason == ClosureReason.CONSENT_WITHDRAWN
