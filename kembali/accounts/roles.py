"""Role predicates (rules). Domain apps build their access_* functions on these."""

import rules

from kembali.accounts.models import Role


def _has_role(*roles):
    @rules.predicate
    def predicate(user) -> bool:
        return bool(user and user.is_authenticated and user.is_active and user.role in roles)

    return predicate


is_case_manager = _has_role(Role.CASE_MANAGER)
is_placement_officer = _has_role(Role.PLACEMENT_OFFICER)
is_supervisor = _has_role(Role.SUPERVISOR)
is_national_admin = _has_role(Role.NATIONAL_ADMIN)
is_ministry_analyst = _has_role(Role.MINISTRY_ANALYST)

# Roles that may see personal data at all (the ministry analyst sees aggregates only).
sees_personal_data = _has_role(
    Role.CASE_MANAGER, Role.PLACEMENT_OFFICER, Role.SUPERVISOR, Role.NATIONAL_ADMIN
)
sees_reports = _has_role(Role.SUPERVISOR, Role.NATIONAL_ADMIN, Role.MINISTRY_ANALYST)
