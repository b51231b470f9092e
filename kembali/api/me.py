"""GET /me: who the API thinks you are. Open to every role, ministry analysts too."""

from ninja import Router, Schema

from kembali.accounts.roles import sees_personal_data
from kembali.api.errors import ErrorOut
from kembali.cases.api.read import OfficeOut

router = Router(tags=["me"])


class MeOut(Schema):
    username: str
    name: str
    role: str
    role_label: str
    office: OfficeOut | None
    sees_personal_data: bool


@router.get("/me", response={200: MeOut, 401: ErrorOut}, summary="Who am I")
def me(request):
    """The signed-in user, their role and office, and whether they may see personal data."""
    user = request.auth
    office = user.office
    return {
        "username": user.username,
        "name": user.display_name,
        "role": user.role,
        "role_label": str(user.get_role_display()),
        "office": {"code": office.code, "name": office.name} if office else None,
        "sees_personal_data": bool(sees_personal_data(user)),
    }
