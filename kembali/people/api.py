"""The subject-access export through the API: the same rules and the same
content as /people/<id>/export.json."""

from django.http import Http404
from django.utils.translation import gettext as _
from ninja import Router

from kembali.api.auth import personal_data_user
from kembali.api.errors import ERROR_RESPONSES, NotFound
from kembali.people.pdpa import access_person_for_export, person_export

router = Router(tags=["people"])


@router.get(
    "/people/{ref}/export",
    response={200: dict, **ERROR_RESPONSES},
    summary="Subject-access export of one person",
)
def person_export_api(request, ref: str):
    """Everything held about one person (id or 12-digit NRIC): identity, contacts,
    employment, injuries, benefits, board recommendations, every case with all that
    hangs off it, and the audit and access events about them. For national
    administrators and supervisors of an office where the person has a case.
    Every export is recorded in the access log."""
    user = personal_data_user(request)
    try:
        person = access_person_for_export(user, ref)
    except Http404:
        raise NotFound(
            _("No person %(ref)s among the people whose data you may export.") % {"ref": ref[:20]}
        ) from None
    return person_export(actor=user, person=person, request=request).as_json()
