"""The Kembali JSON API, version 1, mounted at /api/v1/.

Each app keeps its endpoints in its own ``<app>/api/`` package as a ninja
Router; add one ``api.add_router`` line below for a new module. Every endpoint
is authenticated (personal token or browser session) unless it says otherwise.
"""

from ninja import NinjaAPI, Swagger

from kembali.api.auth import api_auth
from kembali.api.errors import install_error_handlers
from kembali.api.me import router as me_router
from kembali.cases.api.eligibility import router as eligibility_router
from kembali.cases.api.lifecycle import router as lifecycle_router
from kembali.cases.api.read import router as cases_read_router
from kembali.cases.api.referrals import router as referrals_router
from kembali.employers.api import router as employers_router
from kembali.people.api import router as people_router
from kembali.placement.api_followup import router as followup_router
from kembali.placement.api_match import router as match_router
from kembali.placement.api_referrals import router as vacancy_referrals_router
from kembali.plans.api import router as plans_router

DESCRIPTION = """\
The Return to Work programme's case data, with the same role and office rules as the web pages.

**Authentication.** Create a personal API token on the *API tokens* page and send it as
`Authorization: Bearer <token>`. Signed-in users can also try the API from these docs.

**Errors** always read `{"detail": "...", "errors": [{"field": "...", "message": "..."}]}`:
401 no valid token; 403 your role may not use the endpoint (ministry analysts have no access
to personal data); 404 missing or not visible to you (the same answer); 409 a workflow or
concurrency conflict; 422 invalid input (see `errors`).
"""

api = NinjaAPI(
    title="Kembali API",
    version="1",
    description=DESCRIPTION,
    auth=api_auth,
    urls_namespace="api",
    # ninja serves its bundled Swagger UI from /static/ because "ninja" is in
    # INSTALLED_APPS; no validator badge, which would call an outside server.
    docs=Swagger(settings={"validatorUrl": None, "persistAuthorization": False}),
)
install_error_handlers(api)

api.add_router("", me_router)
api.add_router("", cases_read_router)
api.add_router("", eligibility_router)
api.add_router("", referrals_router)
api.add_router("", lifecycle_router)
api.add_router("", plans_router)
api.add_router("", employers_router)
api.add_router("", people_router)
api.add_router("", match_router)
api.add_router("", vacancy_referrals_router)
api.add_router("", followup_router)
