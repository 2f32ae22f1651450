"""Every URL of the project, walked: each view declares its gate, and every named pattern answers every persona with
the exact status its expectations say, for objects of their own, of another unit and of another citizen.

Inspired by manage.get.gov's test that no view is left open by mistake: a new URL fails here the day it is added,
until its gate is declared (egov/accounts/gates.py) and its row written in EXPECTED below.
"""

import datetime
from collections.abc import Iterator

import pytest
from django.contrib.auth.models import AnonymousUser
from django.core.exceptions import PermissionDenied
from django.template.loader import render_to_string
from django.test import Client
from django.urls import URLPattern, URLResolver, get_resolver, reverse
from django.views.defaults import permission_denied

from egov.accounts.gates import Gate
from egov.accounts.models import Role, User
from egov.units.models import AdministrativeUnit, UnitKind, UnitLevel
from procedures import declarations
from tests.core.walk_world import build_world, state_snapshot

# Views that are Django's own and guard themselves; anything else must declare a gate.
UNGATED_NAMESPACES = {
    "admin": "the admin site admits verified staff in admin_view and sends others through its login URL to the "
    "portal's login (tests/accounts/test_admin_login.py)",
}
UNGATED_NAMES = {
    "set_language": "Django's i18n view: anyone may choose the language, it changes nothing but a cookie",
}

PERSONAS = (
    "anonymous",
    "citizen",
    "other_citizen",
    "one_stop_a",
    "justice_a",
    "leader_a",
    "one_stop_b",
    "district",
    "city",
    "police_a",
    "social_a",
    "admin",
)
# An anonymous visitor sent to the portal's login page (a 302 whose target is checked too).
LOGIN = "login"

DOSSIER_VARIANTS = ("own", "foreign", "other_citizen", "draft", "counter_draft")
RECORD_VARIANTS = ("own_police", "own_social_insurance", "foreign")
RECORD_PATTERNS = frozenset({"onecounter:interconnect-record", "onecounter:interconnect-resend"})
UNIT_VARIANTS = ("own_commune", "foreign_commune", "old_commune", "old_district", "city")
WEEK_VARIANTS = ("kept", "missing")


def _walk(resolver: URLResolver, namespace: str = "", params: tuple[str, ...] = ()) -> Iterator[tuple]:
    for pattern in resolver.url_patterns:
        found = params + tuple(getattr(pattern.pattern, "converters", {}))
        if isinstance(pattern, URLResolver):
            inner = f"{namespace}{pattern.namespace}:" if pattern.namespace else namespace
            yield from _walk(pattern, inner, found)
        elif isinstance(pattern, URLPattern) and pattern.name:
            yield f"{namespace}{pattern.name}", pattern.callback, found


PATTERNS = {name: (callback, params) for name, callback, params in _walk(get_resolver())}
WALKED = {name: params for name, (_, params) in PATTERNS.items() if name.split(":")[0] not in UNGATED_NAMESPACES}


def variants_of(name: str) -> tuple[str, ...]:
    params = WALKED[name]
    if "uuid" in params:
        return RECORD_VARIANTS if name in RECORD_PATTERNS else DOSSIER_VARIANTS
    if "unit_id" in params:
        return UNIT_VARIANTS
    if "week_start" in params:
        return WEEK_VARIANTS
    return ("-",)


def url_of(world, name: str, variant: str) -> str:
    """The pattern's URL with its arguments taken from the world's object of that variant."""
    kwargs = {}
    for param in WALKED[name]:
        if param == "uuid":
            kwargs[param] = (world.records if name in RECORD_PATTERNS else world.dossiers)[variant].uuid
        elif param == "pk":
            kwargs[param] = world.attachments[variant].pk
        elif param == "step":
            kwargs[param] = declarations.step_slugs(world.dossiers[variant].procedure)[0]
        elif param == "kind":
            kwargs[param] = "giay-tiep-nhan"
        elif param == "action":
            kwargs[param] = "receive"
        elif param == "slug":
            kwargs[param] = "tat-ca" if name == "onecounter:worklist" else world.procedure_slug
        elif param == "unit_id":
            kwargs[param] = world.units[variant]
        elif param == "week_start":
            kwargs[param] = world.weeks[variant]
        elif param == "agency":
            kwargs[param] = "police"
        elif param == "uidb64":
            kwargs[param] = "MQ"
        elif param == "token":
            kwargs[param] = "sai-ma"
        else:
            raise AssertionError(f"{name}: no sample object fills the argument {param!r}; add one to url_of")
    return reverse(name, kwargs=kwargs)


def test_every_view_declares_its_gate():
    missing = [
        name
        for name, (callback, _) in PATTERNS.items()
        if name.split(":")[0] not in UNGATED_NAMESPACES
        and name not in UNGATED_NAMES
        and not isinstance(getattr(callback, "gate", None), Gate)
    ]
    assert not missing, f"views without a declared gate (egov/accounts/gates.py): {missing}"


# --- the expectations ---------------------------------------------------------------------------------------

A_DESKS = ("one_stop_a", "justice_a", "leader_a")
CITY_STAFF = ("city", "admin")
AGENCIES = ("police_a", "social_a")
CITIZENS = ("citizen", "other_citizen")
REPORTERS = ("district", *CITY_STAFF)
FILERS = (*CITIZENS, "one_stop_a", "one_stop_b")
# A POST by a persona the page is for: it would do the work, which the view's own tests check; the walk skips it.
ALLOWED = None


def each(personas: tuple[str, ...], status) -> dict:
    return dict.fromkeys(personas, status)


def row(default, **statuses) -> dict[str, int | str | None]:
    """The status of every persona: those named, else `default`."""
    unknown = set(statuses) - set(PERSONAS)
    assert not unknown, f"not a persona: {unknown}"
    return {persona: statuses.get(persona, default) for persona in PERSONAS}


def private(default, **statuses) -> dict[str, int | str | None]:
    """A page behind a login: the anonymous visitor goes to the login page."""
    return row(default, **{"anonymous": LOGIN, **statuses})


def one(expected: dict) -> dict[str, dict]:
    """The expectations of a pattern without arguments."""
    return {"-": expected}


def citizen_space(own, foreign, other, draft) -> dict[str, dict]:
    """A page of the citizen's own space, open to citizens only; its status for the owner of each variant (citizen
    A owns `own` and the draft, the other citizen `foreign` and `other_citizen`), 404 for the other citizen."""
    return {
        "own": private(403, citizen=own, other_citizen=404),
        "foreign": private(403, citizen=404, other_citizen=foreign),
        "other_citizen": private(403, citizen=404, other_citizen=other),
        "draft": private(403, citizen=draft, other_citizen=404),
        "counter_draft": private(403, **each(CITIZENS, 404)),
    }


def filing(*, own, foreign, draft, counter) -> dict[str, dict]:
    """A filing page (citizens and one-stop officers; other roles get a 403): the owner's or the entering
    officer's status for each variant, 404 for every other filer."""
    return {
        "own": private(403, **{**each(FILERS, 404), "citizen": own}),
        "foreign": private(403, **{**each(FILERS, 404), "other_citizen": foreign}),
        "other_citizen": private(403, **{**each(FILERS, 404), "other_citizen": foreign}),
        "draft": private(403, **{**each(FILERS, 404), "citizen": draft}),
        "counter_draft": private(403, **{**each(FILERS, 404), "one_stop_a": counter}),
    }


def every_variant(name: str, expected: dict) -> dict[str, dict]:
    return dict.fromkeys(variants_of(name), expected)


# The status of a GET, per pattern, per variant of its objects, per persona. Rules: an anonymous visitor is sent
# to the login page; a role the page is not for gets a 403; an object that is not the persona's (another commune,
# another citizen, a draft not theirs, an agency's officer on a dossier's files) a 404; a POST-only page a 405.
EXPECTED: dict[str, dict[str, dict]] = {
    "set_language": one(row(302)),
    "accounts:login": one(row(302, anonymous=200)),
    "accounts:login-code": one(row(302)),  # without a password first, back to the login
    "accounts:otp-enrol": one(private(200, **each(CITIZENS, 403))),
    "accounts:logout": one(row(405)),
    "accounts:register": one(row(302, anonymous=200)),
    "accounts:password-reset": one(row(200)),
    "accounts:password-reset-code": one(row(302)),
    "accounts:password-reset-email": one(row(200)),
    "accounts:password-reset-email-sent": one(row(200)),
    "accounts:password-reset-email-confirm": one(row(200)),
    "accounts:password-reset-email-complete": one(row(200)),
    "core:home": one(row(200)),
    "core:after-login": one(private(302)),
    "core:officer-home": one(private(200, **each(CITIZENS, 302))),
    "core:healthz": one(row(200)),
    "core:favicon": one(row(301)),
    "procedures:catalogue": one(row(200)),
    "procedures:procedure-detail": one(row(200)),
    "procedures:dossier-lookup": one(row(200)),
    "procedures:file-start": one(row(403, anonymous=200, **each(CITIZENS, 200))),
    "procedures:my-dossiers": one(private(403, **each(CITIZENS, 200))),
    "procedures:dossier-detail": citizen_space(own=200, foreign=200, other=200, draft=200),
    # Neither the signed nor the draft dossier can be withdrawn or supplemented: back to its page.
    "procedures:dossier-withdraw": citizen_space(own=302, foreign=302, other=200, draft=302),
    "procedures:dossier-supplement": citizen_space(own=302, foreign=302, other=302, draft=302),
    "procedures:dossier-resubmit": every_variant("procedures:dossier-resubmit", private(403, **each(CITIZENS, 405))),
    "procedures:attachment-remove": every_variant("procedures:attachment-remove", private(403, **each(CITIZENS, 405))),
    "procedures:attachment-download": {
        "own": private(404, citizen=200, **each(A_DESKS, 200), **each(CITY_STAFF, 200)),
        "foreign": private(404, other_citizen=200, one_stop_b=200, **each(CITY_STAFF, 200)),
        "other_citizen": private(404, other_citizen=200, **each(A_DESKS, 200), **each(CITY_STAFF, 200)),
        # A citizen's online draft is theirs alone; a counter draft, the commune's desks' alone.
        "draft": private(404, citizen=200),
        "counter_draft": private(404, **each(A_DESKS, 200)),
    },
    "procedures:file-resume": filing(own=404, foreign=404, draft=302, counter=302),
    "procedures:file-step": filing(own=404, foreign=404, draft=200, counter=200),
    "procedures:file-review": filing(own=404, foreign=404, draft=200, counter=200),
    "procedures:file-done": filing(own=200, foreign=200, draft=302, counter=302),
    "procedures:file-submit": every_variant("procedures:file-submit", private(403, **each(FILERS, 405))),
    "procedures:file-attachment-remove": every_variant(
        "procedures:file-attachment-remove", private(403, **each(FILERS, 405))
    ),
    "onecounter:workspace": one(private(302, **each(CITIZENS, 403), **each(AGENCIES, 403))),
    "onecounter:worklist": one(private(200, **each(CITIZENS, 403), **each(AGENCIES, 403))),
    "onecounter:dossier": {
        "own": private(403, **each(A_DESKS, 200), one_stop_b=404, district=404, **each(CITY_STAFF, 200)),
        "foreign": private(403, **each(A_DESKS, 404), one_stop_b=200, district=404, **each(CITY_STAFF, 200)),
        "other_citizen": private(403, **each(A_DESKS, 200), one_stop_b=404, district=404, **each(CITY_STAFF, 200)),
        "draft": private(403, **each(A_DESKS, 404), one_stop_b=404, district=404, **each(CITY_STAFF, 404)),
        "counter_draft": private(403, **each(A_DESKS, 200), one_stop_b=404, district=404, **each(CITY_STAFF, 404)),
    },
    "onecounter:dossier-action": every_variant(
        "onecounter:dossier-action", private(403, **each(A_DESKS, 405), one_stop_b=405)
    ),
    "onecounter:dossier-apology": every_variant(
        "onecounter:dossier-apology", private(403, **each(A_DESKS, 405), one_stop_b=405)
    ),
    "onecounter:intake": one(private(403, one_stop_a=200, one_stop_b=200)),
    "onecounter:intake-done": {
        **every_variant("onecounter:intake-done", private(403, one_stop_a=404, one_stop_b=404)),
        "counter_draft": private(403, one_stop_a=302, one_stop_b=404),
    },
    # The receipt: issued once a dossier is received.
    "onecounter:document": {
        "own": private(404, citizen=200, **each(A_DESKS, 200), **each(CITY_STAFF, 200)),
        "foreign": private(404, other_citizen=200, one_stop_b=200, **each(CITY_STAFF, 200)),
        "other_citizen": private(404),
        "draft": private(404),
        "counter_draft": private(404),
    },
    "onecounter:verify": {
        "own": row(200),
        "foreign": row(200),
        "other_citizen": row(200),
        "draft": row(404),
        "counter_draft": row(404),
    },
    "onecounter:audit": one(private(403, leader_a=200, **each(CITY_STAFF, 200))),
    "onecounter:interconnect": one(private(200, **each(CITIZENS, 403))),
    "onecounter:interconnect-record": {
        "own_police": private(404, **each(CITIZENS, 403), **each(A_DESKS, 200), **each(CITY_STAFF, 200), police_a=200),
        "own_social_insurance": private(
            404, **each(CITIZENS, 403), **each(A_DESKS, 200), **each(CITY_STAFF, 200), social_a=200
        ),
        "foreign": private(404, **each(CITIZENS, 403), one_stop_b=200, **each(CITY_STAFF, 200)),
    },
    "onecounter:interconnect-resend": every_variant(
        "onecounter:interconnect-resend", private(403, one_stop_a=405, justice_a=405, one_stop_b=405)
    ),
    "interconnect:callback": one(row(405)),
    "reporting:home": one(private(403, **each(REPORTERS, 302))),
    # The district of before the reform watches its own communes of then, not today's.
    "reporting:unit": {
        "own_commune": private(403, **each(CITY_STAFF, 200)),
        "foreign_commune": private(403, **each(CITY_STAFF, 200)),
        "old_commune": private(403, **each(REPORTERS, 200)),
        "old_district": private(403, **each(REPORTERS, 200)),
        "city": private(403, **each(CITY_STAFF, 200)),
    },
    "weekly_reports:list": one(private(403, **each(REPORTERS, 200))),
    "weekly_reports:pdf": {
        "kept": private(403, **each(REPORTERS, 200)),
        "missing": private(403, **each(REPORTERS, 404)),
    },
}

# What each POST-only page answers a POST by those who may not do it, which must change nothing. A refused
# transition or re-send (wrong state, wrong desk of the right commune) is a redirect with a message.
POSTED: dict[str, dict[str, dict]] = {
    "accounts:logout": one(row(ALLOWED, anonymous=302)),
    "interconnect:callback": one(row(403)),
    "onecounter:dossier-action": {
        "own": private(403, **each(A_DESKS, 302), one_stop_b=404),
        "foreign": private(403, **each(A_DESKS, 404), one_stop_b=302),
        # Submitted: the one-stop officer of commune A receives it.
        "other_citizen": private(403, one_stop_a=ALLOWED, justice_a=302, leader_a=302, one_stop_b=404),
        "draft": private(403, **each(A_DESKS, 404), one_stop_b=404),
        "counter_draft": private(403, **each(A_DESKS, 302), one_stop_b=404),
    },
    # The slip, by the one-stop or justice desk, of a dossier received and not yet handed over; else the page
    # again with the refusal.
    "onecounter:dossier-apology": {
        "own": private(403, one_stop_a=ALLOWED, justice_a=ALLOWED, leader_a=400, one_stop_b=404),
        "foreign": private(403, **each(A_DESKS, 404), one_stop_b=ALLOWED),
        "other_citizen": private(403, **each(A_DESKS, 400), one_stop_b=404),
        "draft": private(403, **each(A_DESKS, 404), one_stop_b=404),
        "counter_draft": private(403, **each(A_DESKS, 400), one_stop_b=404),
    },
    "onecounter:interconnect-resend": {
        "own_police": private(403, one_stop_a=ALLOWED, justice_a=ALLOWED, one_stop_b=404),
        "own_social_insurance": private(403, one_stop_a=302, justice_a=302, one_stop_b=404),
        "foreign": private(403, one_stop_a=404, justice_a=404, one_stop_b=302),
    },
    "procedures:dossier-withdraw": {
        **citizen_space(own=302, foreign=302, other=ALLOWED, draft=302),
    },
    # Filed dossiers are no longer edited: their owner is sent to their page.
    "procedures:dossier-resubmit": citizen_space(own=302, foreign=302, other=302, draft=302),
    "procedures:attachment-remove": citizen_space(own=302, foreign=302, other=302, draft=ALLOWED),
    "procedures:file-submit": filing(own=302, foreign=302, draft=ALLOWED, counter=ALLOWED),
    "procedures:file-attachment-remove": filing(own=404, foreign=404, draft=ALLOWED, counter=ALLOWED),
}
POST_DATA = {
    "onecounter:dossier-apology": {"apology-new_day": "15/12/2026", "apology-reason": "Chờ xác minh."},
    "procedures:dossier-withdraw": {"reason": "Nộp nhầm thủ tục."},
}


def test_every_pattern_has_its_expectations():
    walked = {name: set(variants_of(name)) for name in WALKED}
    missing = sorted(set(walked) - set(EXPECTED))
    assert not missing, (
        f"URL patterns without expectations: {missing}. Add a row to EXPECTED in tests/core/test_pages.py: the "
        "status of a GET for every persona and every variant of its objects (and to POSTED if it is POST-only)."
    )
    assert not sorted(set(EXPECTED) - set(walked)), "EXPECTED lists patterns that no longer exist"
    for table in (EXPECTED, POSTED):
        for name, variants in table.items():
            assert set(variants) == walked[name], f"{name}: expectations for {sorted(variants)}, not {walked[name]}"
    post_only = sorted(
        name for name, variants in EXPECTED.items() if any(405 in row.values() for row in variants.values())
    )
    missing_posts = sorted(set(post_only) - set(POSTED))
    assert not missing_posts, (
        f"POST-only patterns (a 405 on GET) without their refused POSTs in POSTED: {missing_posts}"
    )


def _answer(client: Client, method: str, url: str, data: dict | None = None) -> int | str:
    response = client.post(url, data or {}) if method == "POST" else client.get(url)
    if response.status_code == 302 and response.url.startswith(f"{reverse('accounts:login')}?next="):
        return LOGIN
    return response.status_code


@pytest.mark.django_db
def test_every_pattern_answers_every_persona_as_expected_and_changes_nothing(request, clock, settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path / "media"
    world = build_world(request)
    clients = {persona: Client() for persona in PERSONAS}
    for persona, user in world.personas.items():
        if user is not None:
            clients[persona].force_login(user)
    urls = [(name, variant, url_of(world, name, variant)) for name in sorted(WALKED) for variant in variants_of(name)]
    leaks = []

    before = state_snapshot()
    for name, variant, url in urls:
        for persona, expected in EXPECTED.get(name, {}).get(variant, {}).items():
            got = _answer(clients[persona], "GET", url)
            if got != expected:
                leaks.append(f"GET {name} [{variant}] as {persona}: {got}, expected {expected} ({url})")
    if state_snapshot() != before:
        leaks.append("the GETs changed data")

    for name, variant, url in urls:
        for persona, expected in POSTED.get(name, {}).get(variant, {}).items():
            if expected is ALLOWED:
                continue
            before = state_snapshot()
            got = _answer(clients[persona], "POST", url, POST_DATA.get(name))
            if got != expected:
                leaks.append(f"POST {name} [{variant}] as {persona}: {got}, expected {expected} ({url})")
            if state_snapshot() != before:
                leaks.append(f"POST {name} [{variant}] as {persona} changed data ({url})")

    assert not leaks, f"{len(leaks)} answers differ from the expectations:\n" + "\n".join(leaks)


@pytest.mark.parametrize("template", ["400.html", "500.html"])
def test_error_pages_render_without_a_request(template):
    # Django renders these two with an empty context; they must not need a user or a CSRF token.
    html = render_to_string(template)

    assert '<html lang="vi">' in html
    assert "portal-language" not in html
    assert 'id="main"' in html


@pytest.mark.django_db
def test_forbidden_page_is_vietnamese_and_offers_login_to_a_visitor(rf):
    request = rf.get("/can-bo/")
    request.user = AnonymousUser()

    response = permission_denied(request, exception=None)

    assert response.status_code == 403
    html = response.content.decode()
    assert "Bạn không có quyền xem trang này" in html
    assert f'href="{reverse("accounts:login")}?next=/can-bo/"' in html


@pytest.mark.django_db
@pytest.mark.parametrize(("valid_to", "notice"), [(None, False), (datetime.date(2025, 6, 30), True)])
def test_forbidden_page_gives_an_officer_the_reason_and_an_old_units_account_the_notice(rf, valid_to, notice):
    commune = AdministrativeUnit.objects.create(
        code="00001", name="Phường Phúc Xá", kind=UnitKind.WARD, level=UnitLevel.COMMUNE, valid_to=valid_to
    )
    request = rf.get("/mot-cua/tiep-nhan/")
    request.user = User.objects.create_user("canbo", "x", full_name="Cán bộ", role=Role.JUSTICE, unit=commune)

    response = permission_denied(request, exception=PermissionDenied("Trang này dành cho cán bộ bộ phận một cửa."))

    html = response.content.decode()
    assert "Trang này dành cho cán bộ bộ phận một cửa." in html
    assert "Trang này dành cho người có vai trò hoặc đơn vị khác." not in html
    assert ("Tài khoản chỉ để xem hồ sơ trước đây" in html) is notice
