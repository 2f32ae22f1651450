"""The home page, the officer home of every role (at a unit of today, and for accounts of before the 2025 reform the
notice that they read history only) and the language switch."""

import re
import unicodedata
from pathlib import Path

import pytest
from django.conf import settings
from django.urls import NoReverseMatch, reverse

from egov.accounts.models import ROLE_UNIT_LEVELS, Role, User
from egov.units.models import AdministrativeUnit, UnitLevel
from portal.views import HISTORY_HOMES, OFFICER_HOMES, NextAction
from procedures.catalogue import catalogue_load
from procedures.models import Procedure
from tests.conftest import require_in_ci

OFFICER_ROLES = [role for role in Role if role != Role.CITIZEN]


@pytest.fixture
def hanoi_units(request) -> dict[str, AdministrativeUnit]:
    """Both trees: Hà Nội › Quận Ba Đình › Phường Phúc Xá until 30/06/2025, and Hà Nội › Phường Hồng Hà since, which
    holds Phúc Xá's records. By level, the units an account of today works at ("district" is of before)."""
    get = request.getfixturevalue
    return {
        UnitLevel.CITY: get("city"),
        UnitLevel.DISTRICT: get("district"),
        UnitLevel.COMMUNE: get("commune_a"),
        "old_commune": get("old_commune_a"),
    }


def make_officer(role: Role, units: dict[str, AdministrativeUnit], level: str | None = None) -> User:
    """An officer of `role` at the unit of `level` (by default the usual level of the role, today's unit)."""
    return User.objects.create_user(
        f"canbo-{role}",
        "mat-khau-dai-123",
        full_name="Nguyễn Thị Lan",
        role=role,
        unit=units[level or ROLE_UNIT_LEVELS[role][0]],
    )


@pytest.mark.django_db
def test_home_lists_the_seven_procedures_and_the_calls_to_action(client):
    catalogue_load()

    response = client.get(reverse("core:home"))

    assert response.status_code == 200
    html = response.content.decode()
    procedures = list(Procedure.objects.all())
    assert len(procedures) == 7
    for procedure in procedures:
        href = reverse("procedures:procedure-detail", args=[procedure.slug])
        assert f'href="{href}">{procedure.name}</a>' in html
    assert f'href="{reverse("procedures:catalogue")}"' in html
    assert 'id="thu-tuc"' in html
    assert "Tra cứu hồ sơ" in html
    assert f'href="{reverse("accounts:login")}"' in html
    assert '<html lang="vi">' in html


@pytest.mark.django_db
def test_home_leaves_out_procedures_no_longer_offered(client):
    catalogue_load()
    retired = Procedure.objects.get(code="HT-BSTL")
    retired.is_active = False
    retired.save(update_fields=["is_active"])

    html = client.get(reverse("core:home")).content.decode()

    assert retired.name not in html
    assert Procedure.objects.get(code="HT-KS").name in html


@pytest.mark.django_db
def test_home_greets_a_signed_in_citizen_and_offers_logout_as_a_post_form(client, citizen):
    client.force_login(citizen)

    html = client.get(reverse("core:home")).content.decode()

    assert citizen.full_name in html
    assert f'<form method="post" action="{reverse("accounts:logout")}">' in html
    assert reverse("core:officer-home") not in html


def test_every_officer_role_has_a_home_page():
    assert set(OFFICER_HOMES) == set(OFFICER_ROLES)


def test_a_next_action_naming_a_page_that_does_not_exist_fails_loudly():
    """A typo in a URL name breaks the officer's home page at once, rather than hiding the link."""
    action = NextAction(title="Hồ sơ", description="Hồ sơ của xã, phường", url_name="onecounter:no-such-page")

    with pytest.raises(NoReverseMatch):
        action.url  # noqa: B018 - the property is what is tested


@pytest.mark.parametrize("role", OFFICER_ROLES)
def test_officer_home_shows_who_the_officer_is(client, hanoi_units, role):
    officer = make_officer(role, hanoi_units)
    client.force_login(officer)

    response = client.get(reverse("core:officer-home"))

    assert response.status_code == 200
    html = response.content.decode()
    assert "Nguyễn Thị Lan" in html
    assert str(role.label) in html
    unit = officer.unit
    expected_unit = f"{unit.name}, {unit.parent.name}" if unit.parent else unit.name
    assert expected_unit in html
    assert str(OFFICER_HOMES[role].summary) in html
    for action in OFFICER_HOMES[role].actions:
        assert str(action.title) in html
        if action.url_name is not None:
            assert f'href="{reverse(action.url_name, args=action.url_args)}"' in html, action.url_name
    # The navigation offers the officer page to officers.
    assert 'aria-current="page">Trang cán bộ' in html
    # Every unit of today but the district, which the reform abolished: its accounts read history only.
    assert ("Tài khoản chỉ để xem hồ sơ trước đây" in html) is (role == Role.DISTRICT)


def test_the_agencies_read_the_records_of_a_commune_of_today():
    for role in (Role.POLICE, Role.SOCIAL_INSURANCE):
        summary = str(OFFICER_HOMES[role].summary)
        assert "của xã, phường" in summary and "quận, huyện" not in summary


@pytest.mark.parametrize("role", [Role.ONE_STOP, Role.JUSTICE, Role.LEADER])
def test_an_officer_of_an_old_commune_is_told_whose_records_they_read_and_who_holds_them(client, hanoi_units, role):
    client.force_login(make_officer(role, hanoi_units, "old_commune"))

    html = client.get(reverse("core:officer-home")).content.decode()

    assert "Phường Phúc Xá, Quận Ba Đình" in html
    assert "Tài khoản chỉ để xem hồ sơ trước đây" in html
    assert "Phường Phúc Xá chỉ tồn tại đến hết ngày 30/06/2025" in html
    assert "Hồ sơ và sổ hộ tịch của Phường Phúc Xá nay do Phường Hồng Hà giữ" in html
    assert str(HISTORY_HOMES[role].summary) in html
    assert str(OFFICER_HOMES[role].summary) not in html
    assert reverse("onecounter:worklist", args=("tat-ca",)) in html
    assert reverse("onecounter:intake") not in html.split("<main", 1)[1], "no desk work offered"
    assert (reverse("onecounter:audit") in html) is (role == Role.LEADER)


@pytest.mark.parametrize("role", [Role.POLICE, Role.SOCIAL_INSURANCE, Role.DISTRICT])
def test_a_district_account_of_before_the_reform_reads_history_and_says_so(client, hanoi_units, role):
    client.force_login(make_officer(role, hanoi_units, UnitLevel.DISTRICT))

    html = client.get(reverse("core:officer-home")).content.decode()

    assert "Quận Ba Đình, Thành phố Hà Nội" in html
    assert "Tài khoản chỉ để xem hồ sơ trước đây" in html
    assert "Quận Ba Đình chỉ tồn tại đến hết ngày 30/06/2025" in html
    assert "nay do" not in html  # a district's communes went to several successors


def test_an_officer_of_today_sees_no_history_notice(client, hanoi_units):
    client.force_login(make_officer(Role.ONE_STOP, hanoi_units))

    html = client.get(reverse("core:officer-home")).content.decode()

    assert "Phường Hồng Hà, Thành phố Hà Nội" in html
    assert "Tài khoản chỉ để xem" not in html
    assert reverse("onecounter:intake") in html


@pytest.mark.parametrize("role", OFFICER_ROLES)
def test_only_city_staff_get_the_admin_link(client, hanoi_units, role):
    client.force_login(make_officer(role, hanoi_units))

    html = client.get(reverse("core:officer-home")).content.decode()

    assert (f'href="{reverse("admin:index")}"' in html) is (role == Role.CITY)


def test_officer_home_redirects_a_citizen_home(client, citizen):
    client.force_login(citizen)

    response = client.get(reverse("core:officer-home"))

    assert response.status_code == 302
    assert response.url == reverse("core:home")


@pytest.mark.django_db
def test_officer_home_sends_an_anonymous_visitor_to_login(client):
    response = client.get(reverse("core:officer-home"))

    assert response.status_code == 302
    assert response.url == f"{reverse('accounts:login')}?next={reverse('core:officer-home')}"


@pytest.mark.parametrize(("role", "target"), [(Role.CITIZEN, "core:home"), (Role.ONE_STOP, "core:officer-home")])
def test_after_login_sends_each_user_to_their_home(client, hanoi_units, role, target):
    user = (
        User.objects.create_user("001090000002", "mat-khau-dai-123", full_name="Lê Văn Cường")
        if role == Role.CITIZEN
        else make_officer(role, hanoi_units)
    )
    client.force_login(user)

    assert client.get(reverse("core:after-login")).url == reverse(target)


@pytest.mark.django_db
def test_language_switch_to_english_by_post(client):
    response = client.post(reverse("set_language"), {"language": "en", "next": reverse("core:home")})

    assert response.status_code == 302
    assert response.url == reverse("core:home")
    assert response.cookies[settings.LANGUAGE_COOKIE_NAME].value == "en"
    # Django spells the language's own name in decomposed Unicode; compare composed text.
    html = unicodedata.normalize("NFC", client.get(reverse("core:home")).content.decode())
    assert '<html lang="en">' in html
    # The switch now offers the way back, labelled in Vietnamese whatever the current language.
    assert 'lang="vi">Tiếng Việt</button>' in html


@pytest.mark.django_db
def test_english_pages_come_from_the_compiled_catalogue(client):
    if not (Path(settings.LOCALE_PATHS[0]) / "en" / "LC_MESSAGES" / "django.mo").exists():
        require_in_ci("the compiled English catalogue (make messages)")
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = "en"

    html = client.get(reverse("core:home")).content.decode()

    heading = re.search(r"<h1>(.*?)</h1>", html).group(1)
    assert heading != "Dịch vụ công hộ tịch trực tuyến", "the home page heading is not translated into English"


@pytest.mark.django_db
def test_language_switch_is_a_post_form_on_every_page(client):
    html = client.get(reverse("core:home")).content.decode()

    assert f'<form class="portal-language" method="post" action="{reverse("set_language")}">' in html
    assert 'name="language" value="en" lang="en">English</button>' in html
    assert 'name="next" value="/"' in html


@pytest.mark.django_db
def test_unknown_page_is_a_vietnamese_404(client):
    response = client.get("/khong-co-trang-nay/")

    assert response.status_code == 404
    assert "Không tìm thấy trang" in response.content.decode()


def test_favicon_request_gets_the_emblem_not_a_404_page(client):
    response = client.get("/favicon.ico")

    assert response.status_code == 301
    assert response.url.endswith("img/emblem.svg")
