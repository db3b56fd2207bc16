"""Notices and diffusions: the request, its subjects, the General Secretariat's review, and the eligibility
rules the GS keeps as data."""

from __future__ import annotations

from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from lockstep.directory.models import Agency
from lockstep.policy.models import Marking


class NoticeType(models.TextChoices):
    RED = "red", _("Red notice")
    YELLOW = "yellow", _("Yellow notice")
    BLUE = "blue", _("Blue notice")
    BLACK = "black", _("Black notice")
    GREEN = "green", _("Green notice")
    ORANGE = "orange", _("Orange notice")
    PURPLE = "purple", _("Purple notice")
    SILVER = "silver", _("Silver notice")
    UN_SPECIAL = "un_special", _("INTERPOL-UN Security Council Special Notice")


class NoticeKind(models.TextChoices):
    NOTICE = "notice", _("Notice")  # published by the General Secretariat after its review
    DIFFUSION = (
        "diffusion",
        _("Diffusion"),
    )  # sent by the agency to the agencies it chooses, checked afterwards


class NoticeStatus(models.TextChoices):
    DRAFT = "draft", _("Draft")
    AWAITING_APPROVAL = "awaiting_approval", _("Awaiting the supervisor's approval")
    IN_REVIEW = "in_review", _("Being processed by the General Secretariat")
    PUBLISHED = "published", _("Published")
    REFUSED = "refused", _("Refused")
    SENT = "sent", _("Sent")  # a diffusion, visible to its recipients, in the post-hoc review queue
    CHECKED = "checked", _("Checked")  # a diffusion the GS reviewed and let stand
    WITHDRAWN = "withdrawn", _("Withdrawn by its owner")
    CANCELLED = "cancelled", _("Cancelled by the General Secretariat")
    EXPIRED = "expired", _("Expired")


class RefusalGround(models.TextChoices):
    HUMAN_RIGHTS = "human_rights", _("Human rights")
    NEUTRALITY = "neutrality", _("Neutrality (Article 3)")
    OTHER = "other", _("Other grounds (data quality, completeness, seriousness)")


class Language(models.TextChoices):
    EN = "en", _("English")
    FR = "fr", _("French")
    ES = "es", _("Spanish")
    AR = "ar", _("Arabic")


class Notice(models.Model):
    reference = models.CharField(max_length=40, unique=True)
    kind = models.CharField(max_length=12, choices=NoticeKind.choices, default=NoticeKind.NOTICE)
    type = models.CharField(_("type"), max_length=12, choices=NoticeType.choices)
    owner = models.ForeignKey(Agency, on_delete=models.PROTECT, related_name="notices")
    marking = models.OneToOneField(Marking, on_delete=models.PROTECT, related_name="notice")
    # the notice's online identifiers and linked observables, held (not correlating) until publication
    report = models.OneToOneField(
        "intel.Report", on_delete=models.PROTECT, null=True, blank=True, related_name="notice"
    )
    status = models.CharField(max_length=20, choices=NoticeStatus.choices, default=NoticeStatus.DRAFT)
    title = models.CharField(_("title"), max_length=200)
    language = models.CharField(_("language"), max_length=2, choices=Language.choices, default=Language.EN)
    summary = models.TextField(_("summary"), blank=True)
    details = models.JSONField(default=dict, blank=True)  # the type's own fields (types.FIELDS)
    # the content in other official languages: {"fr": {"title", "summary", "details": {field: text}}}
    translations = models.JSONField(default=dict, blank=True)
    public_extract = models.BooleanField(_("the requester consents to a public extract"), default=False)
    created_by = models.ForeignKey("directory.User", on_delete=models.PROTECT, related_name="+")
    approved_by = models.ForeignKey("directory.User", on_delete=models.PROTECT, null=True, related_name="+")
    reviewed_by = models.ForeignKey("directory.User", on_delete=models.PROTECT, null=True, related_name="+")
    refusal_ground = models.CharField(max_length=16, choices=RefusalGround.choices, blank=True)
    refusal_text = models.TextField(blank=True)
    end_reason = models.CharField(max_length=300, blank=True)  # withdrawal or cancellation
    created_at = models.DateTimeField(default=timezone.now)
    submitted_at = models.DateTimeField(null=True, blank=True)  # entered the GS review queue
    published_at = models.DateTimeField(null=True, blank=True)  # published, or sent for a diffusion
    valid_until = models.DateField(null=True, blank=True)
    expiry_warned_on = models.DateField(null=True, blank=True)  # the owner was asked to extend or let lapse

    class Meta:
        ordering = ["-created_at", "-pk"]
        indexes = [models.Index(fields=["status", "submitted_at"]), models.Index(fields=["owner", "status"])]

    def __str__(self) -> str:
        return f"{self.reference} {self.title}"

    @property
    def languages(self) -> list[str]:
        """The languages its content is in: its own first, then its translations."""
        return [self.language] + [code for code in Language.values if code in self.translations]

    def content(self, language: str = "") -> dict[str, object]:
        """Title, summary and details in ``language`` when it is translated into it, else in its own language."""
        if language and language != self.language and language in self.translations:
            text = self.translations[language]
            return {
                "language": language,
                "title": text.get("title", ""),
                "summary": text.get("summary", ""),
                "details": {**self.details, **text.get("details", {})},
            }
        return {
            "language": self.language,
            "title": self.title,
            "summary": self.summary,
            "details": self.details,
        }


class SubjectKind(models.TextChoices):
    PERSON = "person", _("Person")
    ENTITY = "entity", _("Group or company")
    ASSET = "asset", _("Asset")


class PersonStatus(models.TextChoices):
    SUSPECT = "suspect", _("Suspect")
    ACCUSED = "accused", _("Accused")
    CONVICTED = "convicted", _("Convicted")
    WITNESS = "witness", _("Witness")
    MISSING = "missing", _("Missing")
    VICTIM = "victim", _("Victim")
    UNIDENTIFIED = "unidentified", _("Unidentified")
    OTHER = "other", _("Other")


class Subject(models.Model):
    notice = models.ForeignKey(Notice, on_delete=models.CASCADE, related_name="subjects")
    kind = models.CharField(max_length=8, choices=SubjectKind.choices, default=SubjectKind.PERSON)
    status = models.CharField(max_length=16, choices=PersonStatus.choices, blank=True)
    birth_year = models.PositiveSmallIntegerField(null=True, blank=True)  # dates of birth may be partial
    birth_month = models.PositiveSmallIntegerField(null=True, blank=True)
    birth_day = models.PositiveSmallIntegerField(null=True, blank=True)
    nationalities = models.JSONField(default=list, blank=True)  # ISO 3166 alpha-2 codes
    documents = models.JSONField(default=list, blank=True)  # [{"type", "number", "country"}]
    description = models.TextField(blank=True)
    details = models.JSONField(default=dict, blank=True)  # an asset's kind, value, location...
    photo = models.BinaryField(null=True, blank=True, editable=False)  # JPEG, re-encoded (photos.py)

    def __str__(self) -> str:
        first = self.names.first()
        return first.name if first else self.kind

    @property
    def birth_text(self) -> str:
        """The date of birth as far as it is known: '1979', '1979-03' or '1979-03-14' ('' when unknown)."""
        shown = []
        for part in (self.birth_year, self.birth_month, self.birth_day):
            if part is None:
                break
            shown.append(f"{part:02d}")
        return "-".join(shown)


class SubjectName(models.Model):
    subject = models.ForeignKey(Subject, on_delete=models.CASCADE, related_name="names")
    name = models.CharField(max_length=300)
    script = models.CharField(max_length=16, blank=True)  # ISO 15924: Latn, Arab, Cyrl, Hans...
    alias = models.BooleanField(default=False)

    class Meta:
        ordering = ["alias", "pk"]

    def __str__(self) -> str:
        return self.name


class EligibilityRule(models.Model):
    """A threshold the service checks (e.g. a Red notice for prosecution needs a maximum penalty of at least 2
    years): kept as data so that the General Secretariat changes it without a release."""

    key = models.CharField(max_length=60, unique=True)
    value = models.DecimalField(max_digits=8, decimal_places=2)
    description = models.CharField(max_length=300)

    def __str__(self) -> str:
        return f"{self.key} = {self.value}"


class Review(models.Model):
    """A General Secretariat reviewer's decision on a request, with the checklist as worked."""

    notice = models.ForeignKey(Notice, on_delete=models.CASCADE, related_name="reviews")
    reviewer = models.ForeignKey("directory.User", on_delete=models.PROTECT, related_name="+")
    checks = models.JSONField(default=dict)  # checklist item -> passed
    decision = models.CharField(max_length=12)  # publish, refuse, let_stand, cancel
    ground = models.CharField(max_length=16, choices=RefusalGround.choices, blank=True)
    text = models.TextField(blank=True)
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["-created_at", "-pk"]

    def __str__(self) -> str:
        return f"{self.notice_id} {self.decision}"
