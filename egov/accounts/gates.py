"""Who may open each page: one declared gate per view, and every gate of the project in this one place.

A gate is a decorator that records itself on the view (`view.gate`), so tests/core/test_pages.py walks the URL
resolver and fails on any view without one. It decides by role only: an anonymous visitor goes to the login page,
a signed-in account of another role gets a 403 with the gate's reason, and an acting gate also refuses the accounts
of a unit that no longer exists (they read history only). Which object (dossier, unit, linked record) a person may
see is not a gate's business: the selectors answer that with a 404 (docs/adr/0006-jurisdiction.md).
"""

from collections.abc import Callable
from dataclasses import dataclass
from functools import wraps

from django.contrib.auth.views import redirect_to_login
from django.core.exceptions import PermissionDenied
from django.http import HttpRequest, HttpResponse
from django.utils.functional import Promise
from django.utils.translation import gettext_lazy as _

from egov.accounts.jurisdiction import AGENCY_ROLES, COMMUNE_ROLES, HISTORY_ONLY_MESSAGE, reads_history_only
from egov.accounts.models import Role

# The role sets the gates below are made of.
EVERY_ROLE = frozenset(Role)
# The roles that work with dossiers; police and social-insurance officers read linked records, not dossiers.
WORKSPACE_ROLES = COMMUNE_ROLES | {Role.DISTRICT, Role.CITY}
# Who reads linked records: the workspace, and the agencies for their own agency's records.
READER_ROLES = WORKSPACE_ROLES | AGENCY_ROLES
# Who re-sends a failed linked record: the desks of the dossier's commune.
RESEND_ROLES = frozenset({Role.ONE_STOP, Role.JUSTICE})
AUDIT_ROLES = frozenset({Role.LEADER, Role.CITY})
DASHBOARD_ROLES = frozenset({Role.DISTRICT, Role.CITY})
# A citizen files their own dossiers; a one-stop officer files on paper or online for a citizen at the counter.
FILING_ROLES = frozenset({Role.CITIZEN, Role.ONE_STOP})
# Roles without a unit of their own: a city account may have none (the administrator), a citizen never has one.
_UNITLESS_ROLES = frozenset({Role.CITIZEN, Role.CITY})
_READS = frozenset({"GET", "HEAD"})


@dataclass(frozen=True)
class Gate:
    """Who may use a view. `roles` None: anyone, signed in or not. `acting`: the account must be able to act now
    (not read history only). `visitors`: an anonymous visitor may read the page (GET) too, and is asked to log in
    to send it; a signed-in account still needs one of the roles."""

    roles: frozenset[str] | None
    reason: Promise | str = ""
    acting: bool = False
    visitors: bool = False

    def refusal(self, user) -> Promise | str | None:
        """Why this signed-in user may not pass (the 403's message), or None when they may."""
        if self.roles is None:
            return None
        # Told first, whatever the role: nothing that acts is for an account of a unit that no longer exists.
        if self.acting and reads_history_only(user):
            return HISTORY_ONLY_MESSAGE
        # An officer account without a unit has no desk to work at, whatever its role says.
        if user.role not in self.roles or (user.unit_id is None and user.role not in _UNITLESS_ROLES):
            return self.reason
        return None

    def admits(self, user) -> bool:
        """Whether `user` passes (for pages that show a link or a button only to those who may follow it)."""
        if not user.is_authenticated:
            return self.roles is None
        return self.refusal(user) is None

    def __call__(self, view: Callable[..., HttpResponse]) -> Callable[..., HttpResponse]:
        if self.roles is None:
            view.gate = self
            return view

        @wraps(view)
        def guarded(request: HttpRequest, *args, **kwargs) -> HttpResponse:
            user = request.user
            if not user.is_authenticated:
                if self.visitors and request.method in _READS:
                    return view(request, *args, **kwargs)
                return redirect_to_login(request.get_full_path())
            reason = self.refusal(user)
            if reason is not None:
                raise PermissionDenied(reason)
            return view(request, *args, **kwargs)

        guarded.gate = self
        return guarded


# Pages for anyone: the home page, the catalogue, logging in, the public look-up and verification, the health check;
# and the agencies' callbacks, whose HMAC signature is their authentication.
public = Gate(roles=None)
# Any account; what it may see there is the object's rule (a download of one's own dossier, or one in one's unit).
signed_in = Gate(roles=EVERY_ROLE)
citizens = Gate(roles=frozenset({Role.CITIZEN}), reason=_("Trang này dành cho tài khoản công dân."))
# The procedure's page and its filing start: read by anyone, filed by a citizen.
citizens_and_visitors = Gate(
    roles=frozenset({Role.CITIZEN}),
    reason=_("Chỉ tài khoản công dân mới nộp hồ sơ trực tuyến ở đây."),
    visitors=True,
)
filers = Gate(
    roles=FILING_ROLES,
    reason=_("Trang này dành cho người nộp hồ sơ và cán bộ bộ phận một cửa."),
    acting=True,
)
workspace_officers = Gate(roles=WORKSPACE_ROLES, reason=_("Trang này dành cho cán bộ xử lý hồ sơ."))
# The transitions of a dossier (each service checks which desk fires which one).
commune_desks = Gate(
    roles=COMMUNE_ROLES,
    reason=_("Chỉ cán bộ của xã, phường nhận hồ sơ được xử lý hồ sơ."),
    acting=True,
)
one_stop_desk = Gate(
    roles=frozenset({Role.ONE_STOP}),
    reason=_("Trang này dành cho cán bộ bộ phận một cửa."),
    acting=True,
)
record_readers = Gate(roles=READER_ROLES, reason=_("Trang này dành cho cán bộ theo dõi hồ sơ liên thông."))
record_resenders = Gate(
    roles=RESEND_ROLES,
    reason=_("Chỉ cán bộ một cửa hoặc công chức tư pháp – hộ tịch của xã, phường được gửi lại."),
    acting=True,
)
audit_readers = Gate(roles=AUDIT_ROLES, reason=_("Nhật ký chỉ dành cho lãnh đạo UBND xã, phường và cán bộ thành phố."))
dashboards = Gate(roles=DASHBOARD_ROLES, reason=_("Trang báo cáo dành cho cán bộ cấp huyện và cấp thành phố."))
weekly_reports = Gate(roles=DASHBOARD_ROLES, reason=_("Báo cáo tuần dành cho cán bộ cấp thành phố và cấp huyện."))
