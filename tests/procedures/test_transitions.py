"""The transition specs: one complete spec per @transition of Dossier and no other, each model method's docstring
listing its spec's effects, a template for each notified transition, a button for each transition an officer fires
from the dossier's page."""

import re
from pathlib import Path

import pytest
from django.conf import settings
from django.template.loader import get_template

from procedures.models import Channel, Dossier
from procedures.notifications import notification_template
from procedures.transitions import EVENT_WORDING, TRANSITIONS, event_label

OFFICERS = ("one_stop_a", "justice_a", "leader_a")
# Transitions an officer fires from a form of their own rather than a button of the dossier's page: the counter's
# intake form files a paper dossier and files its supplement (onecounter/views/intake.py).
FIRED_FROM_INTAKE = {"submit", "resubmit"}


def model_transitions() -> list:
    """django-fsm's transitions of Dossier.status: one per method and source state."""
    return list(Dossier._meta.get_field("status").get_all_transitions(Dossier))


def test_every_transition_of_the_model_has_a_spec_and_every_spec_is_a_transition():
    assert set(TRANSITIONS) == {transition.name for transition in model_transitions()}
    for name, spec in TRANSITIONS.items():
        assert spec.name == name
        assert spec.method is getattr(Dossier, name)


@pytest.mark.parametrize("name", TRANSITIONS)
def test_every_spec_is_complete(name):
    spec = TRANSITIONS[name]
    assert str(spec.label).strip() and str(spec.citizen_text).strip()
    assert all(callable(effect) and effect.__doc__ for effect in (*spec.effects, *spec.after_event))
    if spec.notified:
        assert get_template(notification_template(name))
    if spec.button is not None:
        assert str(spec.button.label).strip()
        assert spec.button.style in ("primary", "secondary", "danger")


def test_each_notification_template_belongs_to_a_notified_transition():
    folder = Path(settings.BASE_DIR) / "templates"
    templates = {str(path.relative_to(folder)) for path in folder.glob("notifications/dossier_*.txt")}
    notified = {notification_template(name) for name, spec in TRANSITIONS.items() if spec.notified}
    assert templates - {"notifications/dossier_subject.txt"} == notified


# Pinned from before the specs (services' REASON_REQUIRED, FINISHING, NOTIFIED and the citizen's reasons).
REASON_REQUIRED = {"request_supplement", "refuse", "reject", "send_back"}
FINISHING = {"refuse", "reject", "withdraw", "deliver"}
NOTIFIED = {"submit", "receive", "request_supplement", "refuse", "reject", "settle", "withdraw"}
REASON_FOR_CITIZEN = {"request_supplement", "refuse", "reject", "withdraw", "apologize"}


def test_the_flags_of_the_specs_are_those_the_services_had():
    assert {name for name, spec in TRANSITIONS.items() if spec.reason_required} == REASON_REQUIRED
    assert {name for name, spec in TRANSITIONS.items() if spec.finishing} == FINISHING
    assert {name for name, spec in TRANSITIONS.items() if spec.notified} == NOTIFIED
    assert {name for name, wording in EVENT_WORDING.items() if wording.reason_for_citizen} == REASON_FOR_CITIZEN


def docstring_effects(name: str) -> tuple[list[str], bool]:
    """The effects a model method's docstring lists (`Effects: a, b.` or `Effects: none.`), and whether it says the
    requester is notified."""
    doc = getattr(Dossier, name).__doc__
    match = re.search(r"^\s*Effects: (.+?)\.(?:\s|$)", doc, re.MULTILINE)
    assert match, f"Dossier.{name} has no 'Effects:' line"
    listed = [] if match[1] == "none" else match[1].split(", ")
    return listed, "Notifies the requester." in doc


@pytest.mark.parametrize("name", TRANSITIONS)
def test_the_model_method_docstring_lists_the_spec_effects(name):
    spec = TRANSITIONS[name]
    listed, notifies = docstring_effects(name)
    assert listed == [step.__name__ for step in (*spec.effects, *spec.after_event)]
    assert notifies == spec.notified


def test_every_event_of_the_log_has_its_officer_label():
    assert event_label("approve") == "Ký duyệt, vào sổ hộ tịch"
    assert event_label("apologize") == "Xin lỗi, hẹn lại ngày trả"
    # An action no spec knows (an old row) shows as it was written, rather than failing the page.
    assert event_label("archive") == "archive"


def officer_fires(request, commune_a) -> set[str]:
    """The transitions a commune-A officer may fire on some dossier of commune A, from some state."""
    officers = [request.getfixturevalue(persona) for persona in OFFICERS]
    fired = set()
    for transition in model_transitions():
        for channel in (Channel.ONLINE_SELF, Channel.COUNTER):
            dossier = Dossier(unit=commune_a, channel=channel, status=transition.source)
            if any(transition.has_perm(dossier, officer) for officer in officers):
                fired.add(transition.name)
    return fired


@pytest.mark.django_db
def test_a_transition_has_a_button_exactly_when_an_officer_fires_it_from_the_dossier_page(request, commune_a):
    with_button = {name for name, spec in TRANSITIONS.items() if spec.button is not None}
    fired = officer_fires(request, commune_a)
    assert fired.issuperset(FIRED_FROM_INTAKE)
    assert with_button == fired - FIRED_FROM_INTAKE
