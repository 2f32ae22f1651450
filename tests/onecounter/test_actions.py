"""Every transition as a POST action of the workspace: happy path with its event, wrong role, another commune,
GET refused, wrong source state, missing reason, CSRF, and a lost race between two officers; and on a dossier of an
old commune, the commune holding its records since the reform acts, the old commune's accounts read only."""

import pytest
from django.contrib.messages import get_messages
from django.test import Client
from django.urls import reverse

from procedures.models import DossierEvent, RegisterEntry, Status
from procedures.services import dossier_receive, dossier_request_supplement
from procedures.transitions import TRANSITIONS
from tests.procedures.helpers import filed, procedure_of

pytestmark = pytest.mark.django_db

REASON = "Thiếu bản chụp giấy chứng sinh, đề nghị bổ sung."

# action: (state it starts from, persona who may fire it, whether a reason is required, state it ends in)
TABLE = {
    "receive": (Status.SUBMITTED, "one_stop_a", False, Status.RECEIVED),
    "refuse": (Status.SUBMITTED, "one_stop_a", True, Status.REFUSED),
    "start": (Status.RECEIVED, "justice_a", False, Status.PROCESSING),
    "request_supplement": (Status.PROCESSING, "justice_a", True, Status.NEEDS_SUPPLEMENT),
    "propose": (Status.PROCESSING, "justice_a", False, Status.AWAITING_SIGNATURE),
    "send_back": (Status.AWAITING_SIGNATURE, "leader_a", True, Status.PROCESSING),
    "approve": (Status.AWAITING_SIGNATURE, "leader_a", False, Status.REGISTERED),
    "reject": (Status.AWAITING_SIGNATURE, "leader_a", True, Status.REJECTED),
    "deliver": (Status.RESULT_READY, "one_stop_a", False, Status.DELIVERED),
}
# For each action, a commune-A officer of a role that may not fire it.
WRONG_ROLE = {
    "receive": "justice_a",
    "refuse": "leader_a",
    "start": "one_stop_a",
    "request_supplement": "leader_a",
    "propose": "leader_a",
    "send_back": "justice_a",
    "approve": "justice_a",
    "reject": "one_stop_a",
    "deliver": "justice_a",
}
# The same role in commune B.
OTHER_COMMUNE = {"one_stop_a": "one_stop_b", "justice_a": "justice_b", "leader_a": "leader_b"}


def action_url(dossier, action: str) -> str:
    return reverse("onecounter:dossier-action", kwargs={"uuid": dossier.uuid, "action": action})


def messages_of(response) -> list[str]:
    return [str(message) for message in get_messages(response.wsgi_request)]


def snapshot(dossier) -> tuple:
    dossier.refresh_from_db()
    return dossier.status, dossier.events.count(), RegisterEntry.objects.filter(dossier=dossier).count()


def client_of(request, persona: str, **kwargs) -> Client:
    client = Client(**kwargs)
    client.force_login(request.getfixturevalue(persona))
    return client


@pytest.mark.parametrize("action", TABLE)
def test_the_right_officer_fires_the_transition_and_the_event_is_written(request, walk_to, action):
    source, persona, _needs_reason, target = TABLE[action]
    dossier = walk_to(source)
    response = client_of(request, persona).post(action_url(dossier, action), {f"{action}-reason": REASON})
    assert response.status_code == 302
    assert response.url == reverse("onecounter:dossier", kwargs={"uuid": dossier.uuid})
    dossier.refresh_from_db()
    assert dossier.status == target
    event = dossier.events.latest("pk")
    assert (event.action, event.from_status, event.to_status) == (action, source, target)
    assert event.actor == request.getfixturevalue(persona)
    assert "Đã thực hiện" in messages_of(response)[0]


@pytest.mark.parametrize("action", TABLE)
def test_an_officer_of_another_role_changes_nothing(request, walk_to, action):
    source, *_ = TABLE[action]
    dossier = walk_to(source)
    before = snapshot(dossier)
    response = client_of(request, WRONG_ROLE[action]).post(action_url(dossier, action), {f"{action}-reason": REASON})
    assert response.status_code == 302
    assert snapshot(dossier) == before
    assert "không có quyền" in messages_of(response)[0]


@pytest.mark.parametrize("action", TABLE)
def test_an_officer_of_another_commune_does_not_find_the_dossier(request, walk_to, action):
    source, persona, *_ = TABLE[action]
    dossier = walk_to(source)
    before = snapshot(dossier)
    response = client_of(request, OTHER_COMMUNE[persona]).post(
        action_url(dossier, action), {f"{action}-reason": REASON}
    )
    assert response.status_code == 404
    assert snapshot(dossier) == before


@pytest.mark.parametrize("action", TABLE)
def test_get_is_refused(request, walk_to, action):
    source, persona, *_ = TABLE[action]
    dossier = walk_to(source)
    before = snapshot(dossier)
    assert client_of(request, persona).get(action_url(dossier, action)).status_code == 405
    assert snapshot(dossier) == before


@pytest.mark.parametrize("action", TABLE)
def test_from_a_wrong_state_nothing_changes_and_the_officer_is_told(request, walk_to, action):
    source, persona, *_ = TABLE[action]
    wrong = Status.RESULT_READY if source != Status.RESULT_READY else Status.AWAITING_SIGNATURE
    dossier = walk_to(wrong)
    before = snapshot(dossier)
    response = client_of(request, persona).post(action_url(dossier, action), {f"{action}-reason": REASON})
    assert response.status_code == 302
    assert snapshot(dossier) == before
    assert "không thể thực hiện thao tác này" in messages_of(response)[0]


@pytest.mark.parametrize("action", [name for name, row in TABLE.items() if row[2]])
def test_a_missing_reason_shows_the_page_again_and_changes_nothing(request, walk_to, action):
    source, persona, *_ = TABLE[action]
    dossier = walk_to(source)
    before = snapshot(dossier)
    response = client_of(request, persona).post(action_url(dossier, action), {f"{action}-reason": "   "})
    assert response.status_code == 400
    assert "Ghi rõ lý do" in response.content.decode()
    assert snapshot(dossier) == before


@pytest.mark.parametrize("action", [name for name, spec in TRANSITIONS.items() if spec.button is not None])
def test_every_button_of_a_spec_reaches_its_named_service(request, walk_to, action):
    """The view calls a service for each button the specs declare: on a finished dossier each one is refused by
    the service itself (its message), none falls through the view's dispatch."""
    dossier = walk_to(Status.DELIVERED)
    before = snapshot(dossier)
    response = client_of(request, "one_stop_a").post(action_url(dossier, action), {f"{action}-reason": REASON})
    assert response.status_code == 302
    assert snapshot(dossier) == before
    assert "không thể thực hiện thao tác này" in messages_of(response)[0]


def test_csrf_is_enforced(request, walk_to):
    dossier = walk_to(Status.SUBMITTED)
    client = client_of(request, "one_stop_a", enforce_csrf_checks=True)
    assert client.post(action_url(dossier, "receive")).status_code == 403
    assert snapshot(dossier)[0] == Status.SUBMITTED


def test_citizens_and_agency_officers_are_refused(request, walk_to, citizen, commune_a):
    from egov.accounts.models import Role
    from tests.personas import make_user

    dossier = walk_to(Status.SUBMITTED)
    police = make_user("congan.a", Role.POLICE, commune_a)
    for user in (citizen, police):
        client = Client()
        client.force_login(user)
        assert client.post(action_url(dossier, "receive")).status_code == 403
    assert Client().post(action_url(dossier, "receive")).status_code == 302  # to the login page
    assert snapshot(dossier)[0] == Status.SUBMITTED


def test_an_unknown_action_is_not_found(request, walk_to):
    dossier = walk_to(Status.SUBMITTED)
    assert client_of(request, "one_stop_a").post(action_url(dossier, "settle")).status_code == 404


def test_two_officers_receive_at_once_one_wins_the_other_is_told(request, walk_to, one_stop_a):
    """The second officer's page was loaded before the first clicked: their click changes nothing."""
    dossier = walk_to(Status.SUBMITTED)
    from tests.personas import make_user

    colleague = make_user("motcua.a2", one_stop_a.role, one_stop_a.unit)
    dossier_receive(dossier=dossier, officer=colleague)
    response = client_of(request, "one_stop_a").post(action_url(dossier, "receive"))
    assert "Có thể một cán bộ khác vừa xử lý" in messages_of(response)[0]
    assert DossierEvent.objects.filter(dossier=dossier, action="receive").count() == 1


def test_approval_numbers_the_register_and_takes_the_newborns_id_number(request, walk_to):
    dossier = walk_to(Status.AWAITING_SIGNATURE)
    response = client_of(request, "leader_a").post(
        action_url(dossier, "approve"), {"approve-personal_id_number": "001326000123"}
    )
    assert response.status_code == 302
    entry = RegisterEntry.objects.get(dossier=dossier)
    assert (entry.number, entry.personal_id_number) == (1, "001326000123")
    page = client_of(request, "leader_a").get(reverse("onecounter:dossier", kwargs={"uuid": dossier.uuid}))
    assert "Số 1, quyển số 01/" in page.content.decode()


def test_an_id_number_that_cannot_be_the_childs_is_refused_beside_the_field(request, walk_to):
    dossier = walk_to(Status.AWAITING_SIGNATURE)
    # The sample child is a girl born this year; 0 in the fourth place means a man born in the 1900s.
    response = client_of(request, "leader_a").post(
        action_url(dossier, "approve"), {"approve-personal_id_number": "001090012345"}
    )
    assert response.status_code == 400
    assert "không khớp với giới tính" in response.content.decode()
    assert snapshot(dossier) == (Status.AWAITING_SIGNATURE, 4, 0)


def test_a_safe_next_url_is_followed_and_a_foreign_one_ignored(request, walk_to):
    dossier = walk_to(Status.SUBMITTED)
    back = reverse("onecounter:worklist", kwargs={"slug": "cho-tiep-nhan"})
    response = client_of(request, "one_stop_a").post(action_url(dossier, "receive"), {"next": back})
    assert response.url == back
    other = filed(procedure_of("death"), unit=dossier.unit, applicant=dossier.applicant)
    response = client_of(request, "one_stop_a").post(action_url(other, "receive"), {"next": "https://example.com/"})
    assert response.url == reverse("onecounter:dossier", kwargs={"uuid": other.uuid})


def test_the_page_offers_only_the_actions_of_the_officers_role(request, walk_to):
    dossier = walk_to(Status.SUBMITTED)
    url = reverse("onecounter:dossier", kwargs={"uuid": dossier.uuid})
    one_stop = client_of(request, "one_stop_a").get(url).content.decode()
    assert action_url(dossier, "receive") in one_stop
    assert action_url(dossier, "refuse") in one_stop
    justice = client_of(request, "justice_a").get(url).content.decode()
    assert action_url(dossier, "receive") not in justice
    assert "Bạn không có thao tác nào" in justice


def test_the_supplement_answer_goes_back_to_the_justice_desk(request, walk_to, citizen):
    from procedures.services import dossier_resubmit

    dossier = walk_to(Status.PROCESSING)
    dossier = dossier_request_supplement(dossier=dossier, officer=request.getfixturevalue("justice_a"), reason=REASON)
    dossier = dossier_resubmit(dossier=dossier, actor=citizen)
    assert dossier.status == Status.PROCESSING


def test_a_counter_dossier_is_withdrawn_at_the_requesters_word(request, one_stop_a, commune_a):
    dossier = filed(procedure_of("birth"), unit=commune_a, applicant=None, channel="counter", actor=one_stop_a)
    response = client_of(request, "one_stop_a").post(
        action_url(dossier, "withdraw"), {"withdraw-reason": "Người nộp xin rút để bổ sung giấy tờ gốc."}
    )
    assert response.status_code == 302
    dossier.refresh_from_db()
    assert dossier.status == Status.WITHDRAWN
    assert dossier.events.latest("pk").reason == "Người nộp xin rút để bổ sung giấy tờ gốc."


def test_an_online_dossier_is_withdrawn_only_by_its_citizen(request, walk_to):
    dossier = walk_to(Status.SUBMITTED)
    response = client_of(request, "one_stop_a").post(action_url(dossier, "withdraw"), {"withdraw-reason": "x"})
    assert "không có quyền" in messages_of(response)[0]
    assert snapshot(dossier)[0] == Status.SUBMITTED


def apology_url(dossier) -> str:
    return reverse("onecounter:dossier-apology", kwargs={"uuid": dossier.uuid})


def test_the_apology_slip_moves_the_due_time_once(request, walk_to):
    import datetime

    from egov.workcal.calendar import get_calendar

    dossier = walk_to(Status.PROCESSING)
    calendar = get_calendar()
    new_day = calendar.next_working_day(calendar.next_working_day(dossier.due_at.date() + datetime.timedelta(days=3)))
    form = {"apology-new_day": new_day.strftime("%d/%m/%Y"), "apology-reason": "Chờ xác minh nơi cư trú của mẹ."}
    client = client_of(request, "justice_a")
    response = client.post(apology_url(dossier), form)
    assert response.status_code == 302
    dossier.refresh_from_db()
    assert dossier.due_at == calendar.office_end(new_day)
    assert dossier.events.filter(action="apologize").count() == 1
    again = client.post(apology_url(dossier), form)
    assert again.status_code == 400
    assert dossier.events.filter(action="apologize").count() == 1


def test_the_apology_form_keeps_what_was_typed_when_a_field_is_wrong(request, walk_to):
    dossier = walk_to(Status.PROCESSING)
    response = client_of(request, "justice_a").post(
        apology_url(dossier), {"apology-new_day": "31/02/2027", "apology-reason": "Chờ xác minh."}
    )
    assert response.status_code == 400
    assert "Chờ xác minh." in response.content.decode()
    dossier.refresh_from_db()
    assert dossier.apology_at is None


def test_the_apology_is_refused_to_a_leader_and_to_another_commune(request, walk_to):
    dossier = walk_to(Status.PROCESSING)
    form = {"apology-new_day": "15/12/2099", "apology-reason": "Chờ xác minh."}
    assert client_of(request, "leader_a").post(apology_url(dossier), form).status_code == 400
    assert client_of(request, "justice_b").post(apology_url(dossier), form).status_code == 404
    assert client_of(request, "justice_a").get(apology_url(dossier)).status_code == 405
    dossier.refresh_from_db()
    assert dossier.apology_at is None


# --- a dossier filed at Phúc Xá before the reform, still open: Phường Hồng Hà (commune A) holds it -----------------

OLD_PERSONA = {"one_stop_a": "one_stop", "justice_a": "justice", "leader_a": "leader"}


def actor_of(request, who: str, persona: str):
    """The officer of the role that fires the action: of commune A (the holder), of Phúc Xá itself (abolished),
    of commune B (which holds other old communes), or the district's staff of before the reform."""
    if who == "holder":
        return request.getfixturevalue(persona)
    if who == "old_commune":
        return request.getfixturevalue("old_officers")[OLD_PERSONA[persona]]
    if who == "other_commune":
        return request.getfixturevalue(OTHER_COMMUNE[persona])
    return request.getfixturevalue("district_staff")


@pytest.mark.parametrize("action", TABLE)
@pytest.mark.parametrize(
    ("who", "status"), [("holder", 302), ("old_commune", 403), ("other_commune", 404), ("district", 403)]
)
def test_a_predecessors_open_dossier_in_each_state_and_who_may_act_on_it(
    request, clock, from_before_reform, commune_a, action, who, status
):
    source, persona, _needs_reason, target = TABLE[action]
    dossier = from_before_reform(source)
    before = snapshot(dossier)
    actor = actor_of(request, who, persona)
    client = Client()
    client.force_login(actor)

    response = client.post(action_url(dossier, action), {f"{action}-reason": REASON})

    assert response.status_code == status
    if who != "holder":
        assert snapshot(dossier) == before
        if status == 403:
            assert "chỉ xem hồ sơ trước đó" in response.content.decode()
        return
    dossier.refresh_from_db()
    event = dossier.events.latest("pk")
    assert (dossier.status, event.action, event.actor) == (target, action, actor)
    assert dossier.unit.name == "Phường Phúc Xá"  # it keeps the unit it was filed at
    if action == "approve":
        entry = RegisterEntry.objects.get(dossier=dossier)
        assert (entry.unit, entry.year, entry.number, entry.signed_by) == (commune_a, 2026, 1, actor)


def test_the_holder_acts_on_a_predecessors_dossier_at_the_real_date(request, clock, from_before_reform, commune_a):
    """The same walk without a pinned day of today: filed at Phúc Xá in June 2025, carried on now."""
    import datetime

    dossier = from_before_reform(Status.SUBMITTED)
    clock.set(datetime.datetime.now(datetime.UTC))
    for action, persona in (("receive", "one_stop_a"), ("start", "justice_a"), ("propose", "justice_a")):
        assert client_of(request, persona).post(action_url(dossier, action)).status_code == 302
    client_of(request, "leader_a").post(action_url(dossier, "approve"))

    dossier.refresh_from_db()
    entry = RegisterEntry.objects.get(dossier=dossier)
    assert dossier.status == Status.REGISTERED
    assert (entry.unit, entry.year) == (commune_a, datetime.date.today().year)


def test_the_holders_page_of_a_predecessors_dossier_offers_its_actions(request, clock, from_before_reform):
    dossier = from_before_reform(Status.SUBMITTED)

    html = client_of(request, "one_stop_a").get(reverse("onecounter:dossier", kwargs={"uuid": dossier.uuid}))
    html = html.content.decode()

    assert action_url(dossier, "receive") in html and action_url(dossier, "refuse") in html
    assert "Phường Phúc Xá, Quận Ba Đình" in html
    assert "Nay do Phường Hồng Hà giữ hồ sơ và giải quyết." in html
    assert "chỉ để xem hồ sơ trước đây" not in html


@pytest.mark.parametrize("who", ["old_commune", "district"])
def test_an_account_of_before_the_reform_reads_the_dossier_without_actions_and_is_told_why(
    request, clock, from_before_reform, who
):
    dossier = from_before_reform(Status.PROCESSING)
    client = Client()
    client.force_login(actor_of(request, who, "justice_a"))

    response = client.get(reverse("onecounter:dossier", kwargs={"uuid": dossier.uuid}))

    assert response.status_code == 200
    html = response.content.decode()
    assert "/xu-ly/" not in html, "no action form"
    assert apology_url(dossier) not in html, "no apology form"
    assert "Tài khoản chỉ để xem hồ sơ trước đây" in html
    assert "không tiếp nhận, xử lý, ký duyệt hay gửi lại hồ sơ nào" in html
    assert "Công chức tư pháp – hộ tịch đang giải quyết." in html
    assert "Bạn không có thao tác nào" not in html
    if who == "old_commune":
        assert "Hồ sơ và sổ hộ tịch của Phường Phúc Xá nay do Phường Hồng Hà giữ" in html


def test_an_account_of_before_the_reform_may_not_apologize(request, clock, from_before_reform, old_officers):
    dossier = from_before_reform(Status.PROCESSING)
    client = Client()
    client.force_login(old_officers["justice"])
    form = {"apology-new_day": "15/12/2099", "apology-reason": "Chờ xác minh."}

    assert client.post(apology_url(dossier), form).status_code == 403
    dossier.refresh_from_db()
    assert dossier.apology_at is None


def test_a_commune_of_today_does_not_see_the_dossiers_of_an_old_commune_held_by_another(
    request, clock, from_before_reform
):
    dossier = from_before_reform(Status.SUBMITTED)

    assert (
        client_of(request, "one_stop_b").get(reverse("onecounter:dossier", kwargs={"uuid": dossier.uuid})).status_code
        == 404
    )
