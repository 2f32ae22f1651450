"""Helpers of the dossier tests: the test procedures of each declaration, filing through the pages as a citizen
would, a submitted dossier with a sample declaration, walking it along the normal path through the real services,
and racing actions in threads."""

import datetime
import re
import threading
from collections.abc import Callable
from decimal import Decimal

from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import connection
from django.test import Client
from django.urls import reverse

from procedures import declarations
from procedures.declarations.samples import sample_answers, sample_data
from procedures.models import Channel, Dossier, FormKind, Procedure, Status
from procedures.services import dossier_save_draft, dossier_submit
from tests.factories import DraftFactory, ProcedureFactory
from tests.procedures import pdfs

TODAY = datetime.date.today()
PDF = pdfs.CLEAN

# Valid answers for every step, as a person would type them.
ANSWERS = sample_answers(on=TODAY)

DOCUMENTS = {
    FormKind.BIRTH: [{"code": "giay-chung-sinh", "name": "Giấy chứng sinh"}],
    FormKind.BIRTH_3IN1: [{"code": "giay-chung-sinh", "name": "Giấy chứng sinh"}],
    FormKind.DEATH: ["Giấy báo tử"],
    FormKind.DEATH_RESIDENCE: ["Giấy báo tử"],
    FormKind.MARRIAGE: [],
    FormKind.MARITAL_STATUS: [],
    FormKind.EXTRACT_COPY: [],
}


def make_procedure(code: str = "KS", form_kind: str = "birth", days: str = "0", **fields) -> Procedure:
    return ProcedureFactory(
        code=code,
        form_kind=form_kind,
        processing_days_urban=Decimal(days),
        processing_days_rural=Decimal(fields.pop("rural_days", days)),
        **fields,
    )


def procedure_of(kind: str, **fields) -> Procedure:
    """The test procedure of the declaration `kind`, with its documents and its deadline to declare."""
    fields.setdefault("required_documents", DOCUMENTS[kind])
    fields.setdefault("deadline_days", {"birth": 60, "birth_3in1": 60, "death": 15, "death_residence": 15}.get(kind))
    return make_procedure(code=f"P-{kind}", slug=kind.replace("_", "-"), form_kind=kind, **fields)


def start_url(procedure) -> str:
    return reverse("procedures:file-start", kwargs={"slug": procedure.slug})


def choices(page: str) -> list[str]:
    """The communes offered, in page order: the options of the select, or the labels of the radio buttons."""
    select = re.search(r'<select name="commune".*?</select>', page, re.S)
    if select:
        return [
            label for value, label in re.findall(r'<option value="(\d*)"[^>]*>([^<]*)</option>', select[0]) if value
        ]
    return re.findall(r'<input type="radio" name="commune"[^>]*><label[^>]*>([^<]*)</label>', page)


def start(client: Client, procedure, commune) -> Dossier:
    response = client.post(start_url(procedure), {"commune": commune.pk})
    dossier = Dossier.objects.latest("pk")
    first = declarations.step_slugs(procedure)[0]
    assert response.status_code == 302
    assert response.url == reverse("procedures:file-step", kwargs={"uuid": dossier.uuid, "step": first})
    return dossier


def post_step(client: Client, dossier: Dossier, step: str, **overrides):
    url = reverse("procedures:file-step", kwargs={"uuid": dossier.uuid, "step": step})
    if step == declarations.ATTACHMENTS_STEP:
        data = {
            document.slug: SimpleUploadedFile(f"{document.slug}.pdf", PDF, "application/pdf")
            for document in declarations.documents_of(dossier.procedure)
        }
        return client.post(url, {**data, **overrides})
    return client.post(url, {**ANSWERS[step], **overrides})


def walk(client: Client, dossier: Dossier) -> None:
    """Answer every step of the dossier's declaration through the pages."""
    for step in declarations.step_slugs(dossier.procedure):
        response = post_step(client, dossier, step)
        assert response.status_code == 302, (step, response.context and response.context["form"].errors)


def filed(
    procedure, *, unit, applicant, channel: str = Channel.ONLINE_SELF, actor=None, on: datetime.date | None = None
) -> Dossier:
    """A dossier of `procedure` with a complete sample declaration dated from `on` (the real today by default),
    submitted (status `submitted`)."""
    dossier = DraftFactory(procedure=procedure, unit=unit, applicant=applicant, channel=channel)
    data = sample_data(procedure, on=on or datetime.date.today())
    dossier_save_draft(dossier=dossier, data=data, step="kiem-tra")
    return dossier_submit(dossier=dossier, actor=actor or applicant)


def advance(dossier: Dossier, to: str, *, one_stop, justice, leader) -> Dossier:
    """Walk a submitted dossier along the normal path through the real services until it reaches `to`."""
    from procedures import services

    steps = [
        (Status.RECEIVED, lambda d: services.dossier_receive(dossier=d, officer=one_stop)),
        (Status.PROCESSING, lambda d: services.dossier_start(dossier=d, officer=justice)),
        (Status.AWAITING_SIGNATURE, lambda d: services.dossier_propose(dossier=d, officer=justice)),
        (Status.REGISTERED, lambda d: services.dossier_approve(dossier=d, leader=leader)),
        (Status.RESULT_READY, lambda d: services.dossier_settle(dossier=d)),
        (Status.DELIVERED, lambda d: services.dossier_deliver(dossier=d, officer=one_stop)),
    ]
    for status, step in steps:
        if dossier.status == to:
            break
        dossier = step(dossier)
        if status == to:
            break
    assert dossier.status == to, f"cannot walk to {to}"
    return dossier


def race(actions: list[Callable[[], object]]) -> tuple[list, list[Exception]]:
    """Run the actions at the same moment, each in its own thread with its own connection."""
    barrier = threading.Barrier(len(actions))
    results: list = []
    errors: list[Exception] = []

    def run(action: Callable[[], object]) -> None:
        try:
            barrier.wait(timeout=10)
            results.append(action())
        except Exception as exc:  # noqa: BLE001 - the test inspects what each contender got
            errors.append(exc)
        finally:
            connection.close()

    threads = [threading.Thread(target=run, args=(action,)) for action in actions]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=60)
    assert not any(thread.is_alive() for thread in threads)
    return results, errors


# DESIGN §4, transition by transition: the states it may be fired from.
SOURCES = {
    "submit": {Status.DRAFT},
    "receive": {Status.SUBMITTED},
    "start": {Status.RECEIVED},
    "propose": {Status.PROCESSING},
    "request_supplement": {Status.SUBMITTED, Status.PROCESSING},
    "resubmit": {Status.NEEDS_SUPPLEMENT},
    "refuse": {Status.SUBMITTED},
    "send_back": {Status.AWAITING_SIGNATURE},
    "approve": {Status.AWAITING_SIGNATURE},
    "reject": {Status.AWAITING_SIGNATURE},
    "settle": {Status.REGISTERED},
    "deliver": {Status.RESULT_READY},
    "withdraw": {Status.SUBMITTED, Status.NEEDS_SUPPLEMENT, Status.RECEIVED},
}


TARGETS = {
    "submit": Status.SUBMITTED,
    "receive": Status.RECEIVED,
    "start": Status.PROCESSING,
    "propose": Status.AWAITING_SIGNATURE,
    "request_supplement": Status.NEEDS_SUPPLEMENT,
    "refuse": Status.REFUSED,
    "send_back": Status.PROCESSING,
    "approve": Status.REGISTERED,
    "reject": Status.REJECTED,
    "settle": Status.RESULT_READY,
    "deliver": Status.DELIVERED,
    "withdraw": Status.WITHDRAWN,
}
