"""The service catalogue, the dossier with its state machine, its event log, attachments and code counter."""

import uuid
from decimal import Decimal

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _
from django_fsm import RETURN_VALUE, ConcurrentTransitionMixin, FSMField, transition

from egov.accounts.jurisdiction import acting_unit_ids
from egov.accounts.models import Role
from egov.units.models import AdministrativeUnit


class ProcedureLevel(models.IntegerChoices):
    PARTIAL = 3, _("Mức độ 3: nộp hồ sơ trực tuyến, nhận kết quả tại bộ phận một cửa")
    FULL = 4, _("Mức độ 4: trực tuyến toàn trình, kể cả nộp phí và nhận kết quả điện tử")


class FormKind(models.TextChoices):
    """Which declaration a procedure asks for; each has its form and its validation."""

    BIRTH = "birth", _("Tờ khai đăng ký khai sinh")
    BIRTH_3IN1 = "birth_3in1", _("Tờ khai liên thông khai sinh – thường trú – thẻ bảo hiểm y tế")
    DEATH = "death", _("Tờ khai đăng ký khai tử")
    DEATH_RESIDENCE = "death_residence", _("Tờ khai liên thông khai tử – xóa đăng ký thường trú")
    MARRIAGE = "marriage", _("Tờ khai đăng ký kết hôn")
    MARITAL_STATUS = "marital_status", _("Tờ khai cấp giấy xác nhận tình trạng hôn nhân")
    EXTRACT_COPY = "extract_copy", _("Tờ khai cấp bản sao trích lục hộ tịch")


class Agency(models.TextChoices):
    """Agencies that receive linked records (3-in-1 interconnection)."""

    POLICE = "police", _("Công an (đăng ký cư trú)")
    SOCIAL_INSURANCE = "social_insurance", _("Bảo hiểm xã hội (thẻ bảo hiểm y tế)")


class Procedure(models.Model):
    """One administrative procedure of the catalogue; everything about it is data loaded by `load_catalogue`."""

    code = models.CharField(_("mã thủ tục"), max_length=40, unique=True)
    slug = models.SlugField(_("đường dẫn"), max_length=60, unique=True)
    name = models.CharField(_("tên thủ tục"), max_length=255)
    summary = models.TextField(_("giới thiệu ngắn"), blank=True)
    level = models.PositiveSmallIntegerField(_("mức độ"), choices=ProcedureLevel.choices)
    form_kind = models.CharField(_("loại tờ khai"), max_length=20, choices=FormKind.choices)
    legal_basis = models.JSONField(_("căn cứ pháp lý"), default=list, blank=True)
    required_documents = models.JSONField(_("giấy tờ phải nộp"), default=list, blank=True)
    documents_to_show = models.JSONField(_("giấy tờ phải xuất trình"), default=list, blank=True)
    # Working days; 0 means "the same day, or the next working day when received after the cut-off".
    # Urban and rural: a phường and a xã since the 2025 reform, a quận or thị xã and a huyện before it.
    processing_days_urban = models.DecimalField(
        _("thời hạn giải quyết ở phường (trước 01/07/2025: quận, thị xã)"), max_digits=5, decimal_places=2
    )
    processing_days_rural = models.DecimalField(
        _("thời hạn giải quyết ở xã (trước 01/07/2025: huyện)"), max_digits=5, decimal_places=2
    )
    processing_note = models.CharField(_("ghi chú thời hạn"), max_length=255, blank=True)
    fee_rule = models.JSONField(_("lệ phí"), default=dict, blank=True)
    interconnections = models.JSONField(_("liên thông"), default=list, blank=True)
    # Days after the event (birth, death) within which registration is on time; later ones are flagged late.
    deadline_days = models.PositiveSmallIntegerField(_("thời hạn đăng ký (ngày)"), null=True, blank=True)
    is_active = models.BooleanField(_("đang cung cấp trực tuyến"), default=True)
    position = models.PositiveSmallIntegerField(_("thứ tự"), default=0)

    class Meta:
        verbose_name = _("thủ tục hành chính")
        verbose_name_plural = _("thủ tục hành chính")
        ordering = ["position", "code"]

    def __str__(self) -> str:
        return self.name

    def processing_days_for(self, unit: AdministrativeUnit) -> Decimal:
        return self.processing_days_urban if unit.is_urban else self.processing_days_rural

    @property
    def agencies(self) -> list[str]:
        return [a for a in self.interconnections if a in Agency.values]


class Channel(models.TextChoices):
    ONLINE_SELF = "online_self", _("Trực tuyến (công dân tự nộp)")
    ONLINE_ASSISTED = "online_assisted", _("Trực tuyến (được hỗ trợ tại bộ phận một cửa)")
    COUNTER = "counter", _("Trực tiếp tại bộ phận một cửa")
    POST = "post", _("Qua dịch vụ bưu chính")


ONLINE_CHANNELS = frozenset({Channel.ONLINE_SELF, Channel.ONLINE_ASSISTED})


class Status(models.TextChoices):
    DRAFT = "draft", _("Đang soạn")
    SUBMITTED = "submitted", _("Đã nộp, chờ tiếp nhận")
    RECEIVED = "received", _("Đã tiếp nhận")
    PROCESSING = "processing", _("Đang giải quyết")
    NEEDS_SUPPLEMENT = "needs_supplement", _("Cần bổ sung")
    AWAITING_SIGNATURE = "awaiting_signature", _("Chờ lãnh đạo ký")
    REGISTERED = "registered", _("Đã đăng ký")
    RESULT_READY = "result_ready", _("Có kết quả, chờ trả")
    DELIVERED = "delivered", _("Đã trả kết quả")
    REFUSED = "refused", _("Từ chối tiếp nhận")
    REJECTED = "rejected", _("Từ chối giải quyết")
    WITHDRAWN = "withdrawn", _("Đã rút hồ sơ")


# States in which the dossier is finished (no further transition but none pending).
FINAL_STATUSES = frozenset({Status.DELIVERED, Status.REFUSED, Status.REJECTED, Status.WITHDRAWN})
# States in which the legal time limit runs (a registered dossier still waits for its linked records).
CLOCK_RUNNING_STATUSES = frozenset({Status.RECEIVED, Status.PROCESSING, Status.AWAITING_SIGNATURE, Status.REGISTERED})
# States in which the apology-and-new-date slip may be issued: received and not yet decided.
APOLOGY_STATUSES = frozenset({*CLOCK_RUNNING_STATUSES, Status.NEEDS_SUPPLEMENT})
# States in which the requester (or the officer entering a paper dossier) may still change the dossier.
EDITABLE_STATUSES = frozenset({Status.DRAFT, Status.NEEDS_SUPPLEMENT})


# Who may fire a transition. Each check is (dossier, user) -> bool and is the one rule the services, the
# views and the admin all use (through django-fsm's has_transition_perm).
def _person(user) -> bool:
    return user is not None and user.is_authenticated and user.is_active


def is_owner(dossier: "Dossier", user) -> bool:
    return _person(user) and dossier.applicant_id == user.pk


def _officer_of_unit(role: Role):
    # The dossier's unit, or an old unit whose records the officer's commune holds since a reform (ADR 0011).
    def check(dossier: "Dossier", user) -> bool:
        return _person(user) and user.role == role and dossier.unit_id in acting_unit_ids(user)

    check.__name__ = f"is_{role}_of_unit"
    return check


is_one_stop_of_unit = _officer_of_unit(Role.ONE_STOP)
is_justice_of_unit = _officer_of_unit(Role.JUSTICE)
is_leader_of_unit = _officer_of_unit(Role.LEADER)


def can_submit(dossier: "Dossier", user) -> bool:
    """The citizen files their own draft; a one-stop officer files on a citizen's behalf at the counter."""
    if dossier.channel == Channel.ONLINE_SELF:
        return is_owner(dossier, user)
    return is_one_stop_of_unit(dossier, user)


def can_request_supplement(dossier: "Dossier", user) -> bool:
    """At receipt the one-stop officer asks; during processing the justice officer does."""
    if dossier.status == Status.SUBMITTED:
        return is_one_stop_of_unit(dossier, user)
    return is_justice_of_unit(dossier, user)


def can_resubmit(dossier: "Dossier", user) -> bool:
    return is_owner(dossier, user) or (dossier.channel != Channel.ONLINE_SELF and is_one_stop_of_unit(dossier, user))


def can_withdraw(dossier: "Dossier", user) -> bool:
    return is_owner(dossier, user) or (dossier.channel != Channel.ONLINE_SELF and is_one_stop_of_unit(dossier, user))


def is_system(dossier: "Dossier", user) -> bool:
    """Settling is done by the interconnect worker, never by a person."""
    return user is None


class Dossier(ConcurrentTransitionMixin, models.Model):
    """One citizen request for one procedure. The status changes only through the transitions below."""

    uuid = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    code = models.CharField(_("mã hồ sơ"), max_length=32, unique=True, null=True, blank=True)
    procedure = models.ForeignKey(Procedure, verbose_name=_("thủ tục"), on_delete=models.PROTECT, related_name="+")
    unit = models.ForeignKey(
        AdministrativeUnit, verbose_name=_("nơi tiếp nhận"), on_delete=models.PROTECT, related_name="dossiers"
    )
    channel = models.CharField(_("hình thức nộp"), max_length=20, choices=Channel.choices)
    status = FSMField(_("trạng thái"), default=Status.DRAFT, choices=Status.choices, protected=True, db_index=True)
    applicant = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("người nộp (tài khoản)"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="dossiers",
    )
    # The requester as declared; for counter dossiers there may be no account.
    requester_name = models.CharField(_("người yêu cầu"), max_length=120, blank=True)
    contact_phone = models.CharField(_("điện thoại liên hệ"), max_length=15, blank=True)
    contact_email = models.EmailField(_("thư điện tử liên hệ"), blank=True)
    data = models.JSONField(_("nội dung tờ khai"), default=dict, blank=True)
    # Which step of the multi-step form the citizen reached, so a draft resumes where it stopped.
    draft_step = models.CharField(max_length=40, blank=True)
    is_late = models.BooleanField(_("đăng ký quá hạn"), default=False)
    assignee = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("người xử lý"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="assigned_dossiers",
    )
    created_at = models.DateTimeField(_("ngày tạo"), auto_now_add=True)
    submitted_at = models.DateTimeField(_("ngày nộp"), null=True, blank=True)
    received_at = models.DateTimeField(_("ngày tiếp nhận"), null=True, blank=True)
    due_at = models.DateTimeField(_("hạn trả kết quả"), null=True, blank=True, db_index=True)
    paused_at = models.DateTimeField(_("tạm dừng tính thời hạn từ"), null=True, blank=True)
    finished_at = models.DateTimeField(_("ngày hoàn thành"), null=True, blank=True)
    # The state a supplement request came from, so the answer goes back to the same desk.
    supplement_from = models.CharField(max_length=20, choices=Status.choices, blank=True)
    decision_reason = models.TextField(_("lý do"), blank=True)
    # The apology-and-new-date slip (once per dossier): when it was issued; the event keeps the old due time.
    apology_at = models.DateTimeField(_("ngày xin lỗi, hẹn lại"), null=True, blank=True)

    class Meta:
        verbose_name = _("hồ sơ")
        verbose_name_plural = _("hồ sơ")
        ordering = ["-created_at"]
        indexes = [
            models.Index(fields=["unit", "status"]),
            models.Index(fields=["applicant", "-created_at"]),
            models.Index(fields=["unit", "-submitted_at"]),
        ]

    def __str__(self) -> str:
        return self.code or _("Hồ sơ nháp #%(id)s") % {"id": self.pk}

    @property
    def is_online(self) -> bool:
        return self.channel in ONLINE_CHANNELS

    @property
    def is_final(self) -> bool:
        return self.status in FINAL_STATUSES

    def is_overdue(self, now=None) -> bool:
        """Past its due time while the office still has it (a paused dossier is not overdue)."""
        from django.utils import timezone

        return (
            self.status in CLOCK_RUNNING_STATUSES and self.due_at is not None and self.due_at < (now or timezone.now())
        )

    # Transitions change the instance only: services lock, save, write the event and schedule side effects. What
    # each one means besides (labels, effects, button, notification) is its spec in procedures/transitions.py.

    @transition(field=status, source=Status.DRAFT, target=Status.SUBMITTED, permission=can_submit)
    def submit(self) -> None:
        """The requester files the dossier; it waits for the one-stop officer.

        Effects: stamp_submitted, move_to_holder, number_code. Notifies the requester.
        """

    @transition(field=status, source=Status.SUBMITTED, target=Status.RECEIVED, permission=is_one_stop_of_unit)
    def receive(self) -> None:
        """The one-stop officer accepts the dossier.

        Effects: stamp_received, start_clock. Notifies the requester.
        """

    @transition(field=status, source=Status.RECEIVED, target=Status.PROCESSING, permission=is_justice_of_unit)
    def start(self) -> None:
        """The justice officer takes the dossier to verify it and draft the registration.

        Effects: assign_to_actor.
        """

    @transition(field=status, source=Status.PROCESSING, target=Status.AWAITING_SIGNATURE, permission=is_justice_of_unit)
    def propose(self) -> None:
        """The draft registration goes to the commune leader for signature.

        Effects: none.
        """

    @transition(
        field=status,
        source=[Status.SUBMITTED, Status.PROCESSING],
        target=Status.NEEDS_SUPPLEMENT,
        permission=can_request_supplement,
    )
    def request_supplement(self) -> None:
        """The dossier is incomplete; the citizen is asked for more (a reason is required) and the clock pauses.

        Effects: pause_clock. Notifies the requester.
        """
        self.supplement_from = self.status

    @transition(
        field=status,
        source=Status.NEEDS_SUPPLEMENT,
        target=RETURN_VALUE(Status.SUBMITTED, Status.PROCESSING),
        permission=can_resubmit,
    )
    def resubmit(self) -> str:
        """The citizen answers; the dossier goes back to the desk that asked (receipt or processing).

        Effects: resume_clock, refile_at_receipt.
        """
        back_to = Status.PROCESSING if self.supplement_from == Status.PROCESSING else Status.SUBMITTED
        self.supplement_from = ""
        return back_to

    @transition(field=status, source=Status.SUBMITTED, target=Status.REFUSED, permission=is_one_stop_of_unit)
    def refuse(self) -> None:
        """The one-stop officer refuses to receive the dossier (a reason is required).

        Effects: stamp_finished, keep_decision_reason. Notifies the requester.
        """

    @transition(field=status, source=Status.AWAITING_SIGNATURE, target=Status.PROCESSING, permission=is_leader_of_unit)
    def send_back(self) -> None:
        """The leader returns the draft to the justice officer for correction (a reason is required).

        Effects: none.
        """

    @transition(field=status, source=Status.AWAITING_SIGNATURE, target=Status.REGISTERED, permission=is_leader_of_unit)
    def approve(self) -> None:
        """The leader signs: the register entry is numbered and the approval hooks open the linked records.

        Effects: number_register_entry, run_approval_hooks.
        """

    @transition(field=status, source=Status.AWAITING_SIGNATURE, target=Status.REJECTED, permission=is_leader_of_unit)
    def reject(self) -> None:
        """The leader refuses the registration (a reason is required).

        Effects: stamp_finished, keep_decision_reason. Notifies the requester.
        """

    @transition(field=status, source=Status.REGISTERED, target=Status.RESULT_READY, permission=is_system)
    def settle(self) -> None:
        """Every linked record is final; the result is ready to hand over.

        Effects: none. Notifies the requester.
        """

    @transition(field=status, source=Status.RESULT_READY, target=Status.DELIVERED, permission=is_one_stop_of_unit)
    def deliver(self) -> None:
        """The one-stop officer hands the result to the citizen.

        Effects: stamp_finished.
        """

    @transition(
        field=status,
        source=[Status.SUBMITTED, Status.NEEDS_SUPPLEMENT, Status.RECEIVED],
        target=Status.WITHDRAWN,
        permission=can_withdraw,
    )
    def withdraw(self) -> None:
        """The citizen withdraws the request before it is processed.

        Effects: stamp_finished. Notifies the requester.
        """


class AppendOnlyError(ValueError):
    """A row of an append-only log was about to be changed or removed."""


class AppendOnlyQuerySet(models.QuerySet):
    def update(self, **kwargs):
        raise AppendOnlyError(f"{self.model._meta.label} is append-only")

    def delete(self):
        raise AppendOnlyError(f"{self.model._meta.label} is append-only")


class AppendOnlyModel(models.Model):
    """A log whose rows are added, never changed or removed, one by one or in bulk (on PostgreSQL the database
    refuses it too for the access log, migration 0005)."""

    objects = AppendOnlyQuerySet.as_manager()

    class Meta:
        abstract = True

    def save(self, *args, **kwargs):
        if self.pk is not None:
            raise AppendOnlyError(f"{self._meta.label} is append-only")
        super().save(*args, **kwargs)

    def delete(self, *args, **kwargs):
        raise AppendOnlyError(f"{self._meta.label} is append-only")


class DossierEvent(AppendOnlyModel):
    """Append-only log of a dossier: who did what, when, from which state to which, and why."""

    dossier = models.ForeignKey(Dossier, on_delete=models.CASCADE, related_name="events")
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    at = models.DateTimeField(_("thời điểm"), db_index=True)
    action = models.CharField(_("thao tác"), max_length=40)
    from_status = models.CharField(_("từ trạng thái"), max_length=20, choices=Status.choices, blank=True)
    to_status = models.CharField(_("sang trạng thái"), max_length=20, choices=Status.choices, blank=True)
    reason = models.TextField(_("lý do"), blank=True)
    details = models.JSONField(default=dict, blank=True)

    class Meta:
        verbose_name = _("nhật ký hồ sơ")
        verbose_name_plural = _("nhật ký hồ sơ")
        ordering = ["at", "pk"]

    def __str__(self) -> str:
        return f"{self.dossier_id} {self.action} {self.at:%d/%m/%Y %H:%M}"


class DossierCodeCounter(models.Model):
    """The last daily sequence number used by a unit on a day (codes are `<unit>-YYMMDD-NNNN`)."""

    unit = models.ForeignKey(AdministrativeUnit, on_delete=models.PROTECT, related_name="+")
    day = models.DateField()
    last = models.PositiveIntegerField(default=0)

    class Meta:
        constraints = [models.UniqueConstraint(fields=["unit", "day"], name="one_counter_per_unit_day")]

    def __str__(self) -> str:
        return f"{self.unit_id} {self.day:%d/%m/%Y}: {self.last}"


# The file name extensions of each accepted type; the first is the one given, on disk and to a name without
# one. On disk the extension comes from the sniffed type, never from the citizen's file name.
ATTACHMENT_EXTENSIONS: dict[str, tuple[str, ...]] = {
    "application/pdf": (".pdf",),
    "image/jpeg": (".jpg", ".jpeg", ".jpe"),
    "image/png": (".png",),
}


def attachment_path(instance: "Attachment", filename: str) -> str:
    # Random names: the original name is kept in the row, never used on disk.
    return f"dossiers/{instance.dossier.uuid}/{uuid.uuid4().hex}{ATTACHMENT_EXTENSIONS[instance.content_type][0]}"


class Attachment(models.Model):
    """A scan or photo attached to a dossier; stored privately and served only through a checking view."""

    dossier = models.ForeignKey(Dossier, on_delete=models.CASCADE, related_name="attachments")
    document = models.CharField(_("loại giấy tờ"), max_length=60)
    file = models.FileField(_("tệp"), upload_to=attachment_path)
    original_name = models.CharField(_("tên tệp"), max_length=255)
    content_type = models.CharField(_("kiểu tệp"), max_length=40)
    size = models.PositiveIntegerField(_("dung lượng (byte)"))
    sha256 = models.CharField(max_length=64)
    uploaded_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    uploaded_at = models.DateTimeField(_("thời điểm tải lên"), auto_now_add=True)

    class Meta:
        verbose_name = _("tệp đính kèm")
        verbose_name_plural = _("tệp đính kèm")
        ordering = ["uploaded_at", "pk"]

    def __str__(self) -> str:
        return self.original_name


class RegisterBook(models.TextChoices):
    """The civil-status register books a commune keeps (one series per book, per year)."""

    BIRTH = "birth", _("Sổ đăng ký khai sinh")
    DEATH = "death", _("Sổ đăng ký khai tử")
    MARRIAGE = "marriage", _("Sổ đăng ký kết hôn")
    MARITAL_STATUS = "marital_status", _("Sổ cấp giấy xác nhận tình trạng hôn nhân")
    EXTRACT_COPY = "extract_copy", _("Sổ cấp bản sao trích lục hộ tịch")


BOOK_OF_FORM: dict[str, str] = {
    FormKind.BIRTH: RegisterBook.BIRTH,
    FormKind.BIRTH_3IN1: RegisterBook.BIRTH,
    FormKind.DEATH: RegisterBook.DEATH,
    FormKind.DEATH_RESIDENCE: RegisterBook.DEATH,
    FormKind.MARRIAGE: RegisterBook.MARRIAGE,
    FormKind.MARITAL_STATUS: RegisterBook.MARITAL_STATUS,
    FormKind.EXTRACT_COPY: RegisterBook.EXTRACT_COPY,
}


class RegisterCounter(models.Model):
    """The last entry number a commune used in one register book in one year."""

    unit = models.ForeignKey(AdministrativeUnit, on_delete=models.PROTECT, related_name="+")
    book = models.CharField(max_length=20, choices=RegisterBook.choices)
    year = models.PositiveSmallIntegerField()
    last = models.PositiveIntegerField(default=0)

    class Meta:
        constraints = [models.UniqueConstraint(fields=["unit", "book", "year"], name="one_counter_per_book_year")]

    def __str__(self) -> str:
        return f"{self.unit_id} {self.book} {self.year}: {self.last}"


class RegisterEntry(models.Model):
    """One numbered entry of a commune's civil-status register, written when the leader signs a dossier."""

    dossier = models.OneToOneField(Dossier, on_delete=models.PROTECT, related_name="register_entry")
    unit = models.ForeignKey(
        AdministrativeUnit, verbose_name=_("nơi đăng ký"), on_delete=models.PROTECT, related_name="+"
    )
    book = models.CharField(_("loại sổ"), max_length=20, choices=RegisterBook.choices)
    year = models.PositiveSmallIntegerField(_("năm"))
    number = models.PositiveIntegerField(_("số"))
    # "Quyển số" as printed on the certificate: the volume of the year's series the entry falls in.
    book_number = models.CharField(_("quyển số"), max_length=20)
    # The personal ID number given to a newborn at registration, when the population database gave one.
    personal_id_number = models.CharField(_("số định danh cá nhân"), max_length=12, blank=True)
    registered_at = models.DateTimeField(_("ngày đăng ký"))
    signed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("người ký"), on_delete=models.PROTECT, related_name="+"
    )

    class Meta:
        verbose_name = _("sổ hộ tịch")
        verbose_name_plural = _("sổ hộ tịch")
        ordering = ["unit", "book", "year", "number"]
        constraints = [
            models.UniqueConstraint(fields=["unit", "book", "year", "number"], name="one_entry_per_number"),
        ]

    def __str__(self) -> str:
        return _("Số %(number)s, quyển số %(book)s") % {"number": self.number, "book": self.book_number}


class DossierAccess(AppendOnlyModel):
    """Who opened a dossier or one of its files, for the audit the commune leader and city staff read and for the
    requester's own page. Append-only: a row is never changed or removed, and a dossier someone has opened cannot
    be deleted (only a citizen's online draft could be purged, and no officer ever opens one)."""

    class What(models.TextChoices):
        DOSSIER = "dossier", _("Xem hồ sơ")
        ATTACHMENT = "attachment", _("Xem tệp đính kèm")
        DOCUMENT = "document", _("In, tải giấy tờ")

    dossier = models.ForeignKey(Dossier, on_delete=models.PROTECT, related_name="accesses")
    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    at = models.DateTimeField(_("thời điểm"), auto_now_add=True, db_index=True)
    what = models.CharField(_("thao tác"), max_length=20, choices=What.choices)
    detail = models.CharField(_("chi tiết"), max_length=120, blank=True)

    class Meta:
        verbose_name = _("lượt truy cập hồ sơ")
        verbose_name_plural = _("lượt truy cập hồ sơ")
        ordering = ["-at", "-pk"]
        indexes = [models.Index(fields=["dossier", "-at"])]

    def __str__(self) -> str:
        return f"{self.user_id} {self.what} {self.dossier_id}"

    @property
    def readable_detail(self) -> str:
        """The detail as the requester reads it: a file's name, a linked record's kind; a printed document is named
        by its kind alone (its detail is the document's URL slug)."""
        return "" if self.what == self.What.DOCUMENT else self.detail
