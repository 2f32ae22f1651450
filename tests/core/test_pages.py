"""Every URL of the project, walked: public pages answer anonymous visitors, all others demand a login.

Inspired by manage.get.gov's test that no view is left open by mistake: a new URL is checked the day it is
added. A page meant for anonymous visitors must be listed in PUBLIC_URL_NAMES on purpose.
"""

import datetime
from collections.abc import Iterator
from fnmatch import fnmatch

import pytest
from django.contrib.auth.models import AnonymousUser
from django.core.exceptions import PermissionDenied
from django.template.loader import render_to_string
from django.urls import NoReverseMatch, URLPattern, URLResolver, get_resolver, reverse
from django.views.defaults import permission_denied

from egov.accounts.models import Role, User
from egov.units.models import AdministrativeUnit, UnitKind, UnitLevel

# Pages an anonymous visitor may open (shell-style patterns over "namespace:name").
PUBLIC_URL_NAMES = (
    "core:home",
    "core:healthz",
    "core:favicon",
    "procedures:catalogue",
    "procedures:procedure-detail",
    "set_language",
    "accounts:login",
    "accounts:logout",
    "accounts:register*",
    "accounts:password_reset*",
    "accounts:password-reset*",
    "admin:login",
    "admin:logout",
    "procedures:dossier-lookup",
)
# Namespaces whose every page is officer work: a citizen must never get a 200 there.
OFFICER_NAMESPACES = ("onecounter", "interconnect", "reporting")
OFFICER_URL_NAMES = ("core:officer-home",)


def _walk(resolver: URLResolver, namespace: str = "") -> Iterator[str]:
    for pattern in resolver.url_patterns:
        if isinstance(pattern, URLResolver):
            inner = f"{namespace}{pattern.namespace}:" if pattern.namespace else namespace
            yield from _walk(pattern, inner)
        elif isinstance(pattern, URLPattern) and pattern.name:
            yield f"{namespace}{pattern.name}"


def named_urls_without_arguments() -> list[tuple[str, str]]:
    """(name, path) for every named URL pattern that can be reversed without arguments."""
    found = {}
    for name in _walk(get_resolver()):
        try:
            found[name] = reverse(name)
        except NoReverseMatch:
            continue
    return sorted(found.items())


URLS = named_urls_without_arguments()


def is_public(name: str) -> bool:
    return any(fnmatch(name, pattern) for pattern in PUBLIC_URL_NAMES)


def is_officer_page(name: str) -> bool:
    return name in OFFICER_URL_NAMES or name.split(":", 1)[0] in OFFICER_NAMESPACES


def test_the_walk_finds_the_known_pages():
    names = {name for name, _ in URLS}
    assert {"core:home", "core:officer-home", "core:healthz", "accounts:login", "admin:index"} <= names


@pytest.mark.django_db
@pytest.mark.parametrize(("name", "path"), [url for url in URLS if not is_public(url[0])], ids=lambda v: v)
def test_private_pages_send_anonymous_visitors_to_a_login_page(client, name, path):
    response = client.get(path)

    if response.status_code == 405:
        return  # POST-only endpoints have nothing to show on GET either way.
    login = reverse("admin:login") if name.startswith("admin:") else reverse("accounts:login")
    assert response.status_code == 302, f"{name} ({path}) answered {response.status_code} without a login"
    assert response.url.startswith(login), f"{name} ({path}) redirected to {response.url}, not to the login"


@pytest.mark.django_db
@pytest.mark.parametrize(("name", "path"), [url for url in URLS if is_public(url[0])], ids=lambda v: v)
def test_public_pages_answer_anonymous_visitors(client, name, path):
    response = client.get(path)

    assert response.status_code in (200, 301, 302, 405), f"{name} ({path}) answered {response.status_code}"
    if response.status_code in (301, 302):
        assert "next=" not in response.url, f"{name} ({path}) is listed as public but asks for a login"


@pytest.mark.django_db
@pytest.mark.parametrize(("name", "path"), [url for url in URLS if is_officer_page(url[0])], ids=lambda v: v)
def test_officer_pages_are_closed_to_citizens(client, name, path):
    client.force_login(User.objects.create_user("001090000001", "mat-khau-dai-123", full_name="Trần Văn Bình"))

    response = client.get(path)

    assert response.status_code in (302, 403, 404, 405), f"{name} ({path}) answered {response.status_code}"


@pytest.mark.django_db
@pytest.mark.parametrize(("name", "path"), [url for url in URLS if is_officer_page(url[0])], ids=lambda v: v)
def test_officer_pages_open_for_an_officer(client, name, path):
    city = AdministrativeUnit.objects.create(
        code="01", name="Thành phố Hà Nội", kind=UnitKind.CENTRAL_CITY, level=UnitLevel.CITY
    )
    commune = AdministrativeUnit.objects.create(
        code="00097",
        name="Phường Hồng Hà",
        kind=UnitKind.WARD,
        level=UnitLevel.COMMUNE,
        parent=city,
        valid_from=datetime.date(2025, 7, 1),
    )
    client.force_login(User.objects.create_user("canbo", "x", full_name="Cán bộ", role=Role.ONE_STOP, unit=commune))

    assert client.get(path).status_code in (200, 302, 403, 405)


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
