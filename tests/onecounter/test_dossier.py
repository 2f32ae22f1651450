"""The officers' dossier page and the files it links to, for drafts: a citizen's online draft is theirs alone until
they submit it, a draft entered at the counter belongs to the officers of its commune."""

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from onecounter.selectors import worklist_counts
from procedures.attachments import attachment_add
from procedures.models import Channel, DossierAccess
from procedures.services import dossier_create_draft
from tests.procedures.helpers import PDF

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def _private_media(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path / "media"


def draft_at_phuc_xa(*, procedure, unit, citizen, channel: str):
    """A draft begun at Phúc Xá, with one scan: in the jurisdiction of commune A (which holds Phúc Xá's records), of
    the district of before the reform and of the city, so only the draft rule can refuse it."""
    draft = dossier_create_draft(procedure=procedure, unit=unit, applicant=citizen, channel=channel)
    upload = SimpleUploadedFile("giấy chứng sinh.pdf", PDF, "application/pdf")
    attachment_add(dossier=draft, document="giay-chung-sinh", uploaded_file=upload, user=citizen)
    return draft


def urls(draft) -> dict[str, str]:
    return {
        "page": reverse("onecounter:dossier", kwargs={"uuid": draft.uuid}),
        "attachment": reverse("procedures:attachment-download", args=(draft.uuid, draft.attachments.get().pk)),
        "citizen_page": reverse("procedures:dossier-detail", args=(draft.uuid,)),
    }


@pytest.mark.parametrize("who", ["one_stop_a", "justice_a", "leader_a", "district_staff", "city_staff"])
def test_no_officer_opens_a_citizens_online_draft(request, client, citizen, birth_procedure, old_commune_a, who):
    draft = draft_at_phuc_xa(
        procedure=birth_procedure, unit=old_commune_a, citizen=citizen, channel=Channel.ONLINE_SELF
    )
    client.force_login(request.getfixturevalue(who))

    assert client.get(urls(draft)["page"]).status_code == 404
    assert client.get(urls(draft)["attachment"]).status_code == 404
    assert not DossierAccess.objects.exists()


def test_the_citizen_opens_their_online_draft(client, citizen, birth_procedure, old_commune_a):
    draft = draft_at_phuc_xa(
        procedure=birth_procedure, unit=old_commune_a, citizen=citizen, channel=Channel.ONLINE_SELF
    )
    client.force_login(citizen)

    assert client.get(urls(draft)["citizen_page"]).status_code == 200
    assert client.get(urls(draft)["attachment"]).status_code == 200


@pytest.mark.parametrize("who", ["one_stop_a", "justice_a", "leader_a"])
def test_the_communes_officers_open_a_counter_draft(request, client, citizen, birth_procedure, old_commune_a, who):
    draft = draft_at_phuc_xa(procedure=birth_procedure, unit=old_commune_a, citizen=citizen, channel=Channel.COUNTER)
    client.force_login(request.getfixturevalue(who))

    assert client.get(urls(draft)["page"]).status_code == 200
    assert client.get(urls(draft)["attachment"]).status_code == 200


def test_the_one_stop_officer_goes_on_with_a_counter_draft_from_its_page(
    client, citizen, birth_procedure, commune_a, one_stop_a
):
    draft = dossier_create_draft(procedure=birth_procedure, unit=commune_a, applicant=citizen, channel=Channel.COUNTER)
    client.force_login(one_stop_a)

    page = client.get(reverse("onecounter:dossier", kwargs={"uuid": draft.uuid})).content.decode()

    assert f'href="{reverse("procedures:file-resume", args=(draft.uuid,))}"' in page


@pytest.mark.parametrize(
    ("who", "page", "status"),
    [
        ("district_staff", "page", 404),
        ("city_staff", "page", 404),
        # The workspace's dossier page is not an agency's page at all.
        ("police_a", "page", 403),
        ("social_insurance_a", "page", 403),
        ("citizen", "citizen_page", 404),
    ],
)
def test_nobody_else_opens_a_counter_draft(request, client, citizen, birth_procedure, old_commune_a, who, page, status):
    """Not the district or city staff who watch the commune, not its agencies, not even the citizen it is entered
    for: the citizen sees it once it is filed."""
    draft = draft_at_phuc_xa(procedure=birth_procedure, unit=old_commune_a, citizen=citizen, channel=Channel.COUNTER)
    client.force_login(request.getfixturevalue(who))

    assert client.get(urls(draft)[page]).status_code == status
    assert client.get(urls(draft)["attachment"]).status_code == 404
    assert not DossierAccess.objects.exists()


def test_a_counter_draft_is_on_the_communes_list_only(citizen, birth_procedure, old_commune_a, one_stop_a, city_staff):
    draft_at_phuc_xa(procedure=birth_procedure, unit=old_commune_a, citizen=citizen, channel=Channel.COUNTER)

    assert worklist_counts(one_stop_a)["dang-nhap"] == 1
    assert worklist_counts(city_staff)["dang-nhap"] == 0
