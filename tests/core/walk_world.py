"""The sample world the URL walk of tests/core/test_pages.py fills every pattern's arguments from: the personas of
every role, and dossiers, attachments, linked records, units and a weekly report that are theirs, of another unit,
or of another citizen."""

from dataclasses import dataclass, field

from django.core.files.base import ContentFile
from django.core.files.uploadedfile import SimpleUploadedFile
from django.utils import timezone

from egov.accounts.models import Role, User
from interconnect.models import LinkedRecord, RecordStatus
from procedures import declarations
from procedures.attachments import attachment_add
from procedures.declarations.samples import sample_data
from procedures.models import Agency, Attachment, Channel, Dossier, DossierEvent, RegisterEntry
from procedures.services import dossier_approve, dossier_create_draft, dossier_save_draft, dossier_submit
from reporting.models import WeeklyReport
from tests.personas import make_user
from tests.procedures.helpers import advance, procedure_of
from tests.procedures.pdfs import one_page_pdf

PDF = one_page_pdf()


@dataclass
class World:
    personas: dict[str, User | None] = field(default_factory=dict)
    # Each variant: what fills the pattern's arguments (uuid, pk, slug, unit_id...).
    dossiers: dict[str, Dossier] = field(default_factory=dict)
    attachments: dict[str, Attachment] = field(default_factory=dict)
    records: dict[str, LinkedRecord] = field(default_factory=dict)
    units: dict[str, int] = field(default_factory=dict)
    weeks: dict[str, str] = field(default_factory=dict)
    procedure_slug: str = ""


def _filed(
    procedure, *, unit, applicant, channel=Channel.ONLINE_SELF, officer=None, submit=True
) -> tuple[Dossier, Attachment]:
    """A dossier with a complete declaration and one scan (uploaded by `officer` at the counter, else by the
    applicant), then submitted unless `submit` is False."""
    author = officer or applicant
    dossier = dossier_create_draft(procedure=procedure, unit=unit, applicant=applicant, channel=channel)
    dossier_save_draft(dossier=dossier, data=sample_data(procedure, on=timezone.localdate()), step="kiem-tra")
    document = declarations.documents_of(procedure)[0].slug
    upload = SimpleUploadedFile("giay-chung-sinh.pdf", PDF, content_type="application/pdf")
    attachment = attachment_add(dossier=dossier, document=document, uploaded_file=upload, user=author)
    if submit:
        dossier = dossier_submit(dossier=dossier, actor=applicant)
    return dossier, attachment


def _registered(procedure, *, unit, applicant, one_stop, justice, leader) -> tuple[Dossier, Attachment]:
    dossier, attachment = _filed(procedure, unit=unit, applicant=applicant)
    dossier = advance(dossier, "awaiting_signature", one_stop=one_stop, justice=justice, leader=leader)
    return dossier_approve(dossier=dossier, leader=leader), attachment


def build_world(request) -> World:
    """Everything the walk needs, built through the real services (the clock pinned by the `clock` fixture)."""
    get = request.getfixturevalue
    birth_3in1, birth = get("birth_3in1"), procedure_of("birth")
    citizen, other_citizen = get("citizen"), get("other_citizen")
    commune_a, commune_b, district, city = get("commune_a"), get("commune_b"), get("district"), get("city")
    a = {"one_stop": get("one_stop_a"), "justice": get("justice_a"), "leader": get("leader_a")}
    b = {"one_stop": get("one_stop_b"), "justice": get("justice_b"), "leader": get("leader_b")}
    world = World(procedure_slug=birth_3in1.slug)
    world.personas = {
        "anonymous": None,
        "citizen": citizen,
        "other_citizen": other_citizen,
        "one_stop_a": a["one_stop"],
        "justice_a": a["justice"],
        "leader_a": a["leader"],
        "one_stop_b": b["one_stop"],
        "district": make_user("quan.badinh", Role.DISTRICT, district),
        "city": make_user("thanhpho", Role.CITY, city),
        "police_a": make_user("congan.a", Role.POLICE, commune_a),
        "social_a": make_user("bhxh.a", Role.SOCIAL_INSURANCE, commune_a),
        "admin": User.objects.create_superuser("quantri", "x", full_name="Quản trị"),
    }
    # Citizen A's 3-in-1 birth at commune A, signed: a register entry, its documents and a record per agency.
    own, world.attachments["own"] = _registered(birth_3in1, unit=commune_a, applicant=citizen, **a)
    # Another citizen's 3-in-1 birth at commune B, signed there.
    foreign, world.attachments["foreign"] = _registered(birth_3in1, unit=commune_b, applicant=other_citizen, **b)
    # Another citizen's birth at commune A, waiting for the one-stop officer.
    other, world.attachments["other_citizen"] = _filed(birth, unit=commune_a, applicant=other_citizen)
    # Citizen A's online draft at commune A, and a paper dossier commune A's officer is entering for them.
    draft, world.attachments["draft"] = _filed(birth, unit=commune_a, applicant=citizen, submit=False)
    counter, world.attachments["counter_draft"] = _filed(
        birth, unit=commune_a, applicant=citizen, channel=Channel.COUNTER, officer=a["one_stop"], submit=False
    )
    world.dossiers = {"own": own, "foreign": foreign, "other_citizen": other, "draft": draft, "counter_draft": counter}
    records = {record.agency: record for record in LinkedRecord.objects.filter(dossier=own)}
    # The police record failed: the one a desk of commune A may send again.
    LinkedRecord.objects.filter(pk=records[Agency.POLICE].pk).update(status=RecordStatus.FAILED)
    world.records = {
        "own_police": records[Agency.POLICE],
        "own_social_insurance": records[Agency.SOCIAL_INSURANCE],
        "foreign": LinkedRecord.objects.filter(dossier=foreign, agency=Agency.POLICE).get(),
    }
    world.units = {
        "own_commune": commune_a.pk,
        "foreign_commune": commune_b.pk,
        "old_commune": get("old_commune_a").pk,
        "old_district": district.pk,
        "city": city.pk,
    }
    report = WeeklyReport(week_start=timezone.localdate().replace(day=1))
    report.pdf.save("tuan.pdf", ContentFile(PDF))
    world.weeks = {"kept": report.week_start.isoformat(), "missing": "2016-01-04"}
    return world


def state_snapshot() -> tuple:
    """What a refused request must leave as it was; the reads' audit rows (DossierAccess) are left out on purpose."""
    return (
        sorted(Dossier.objects.values_list("pk", "status", "draft_step", "due_at", "assignee_id", "data")),
        sorted(LinkedRecord.objects.values_list("pk", "status", "attempts", "resent_at")),
        DossierEvent.objects.count(),
        RegisterEntry.objects.count(),
        sorted(Attachment.objects.values_list("pk", "dossier_id", "file")),
        User.objects.count(),
    )
