"""The directory: countries, agencies, their 24/7 contact points, users and their roles."""

from __future__ import annotations

import datetime
from functools import cached_property

from django.contrib.auth.models import AbstractUser, UserManager
from django.db import models
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _


class Region(models.TextChoices):
    AFRICA = "africa", _("Africa")
    AMERICAS = "americas", _("Americas")
    ASIA_SOUTH_PACIFIC = "asia_south_pacific", _("Asia and South Pacific")
    EUROPE = "europe", _("Europe")
    MENA = "mena", _("Middle East and North Africa")


class Country(models.Model):
    code = models.CharField(_("ISO 3166-1 alpha-2"), max_length=2, primary_key=True)
    alpha3 = models.CharField(max_length=3, unique=True)
    numeric = models.CharField(max_length=3)
    name = models.CharField(max_length=100)
    member = models.BooleanField(_("member country"), default=False)
    region = models.CharField(max_length=24, choices=Region.choices, blank=True)

    class Meta:
        ordering = ["name"]
        verbose_name_plural = _("countries")

    def __str__(self) -> str:
        return f"{self.name} ({self.code})"


class AgencyKind(models.TextChoices):
    NCB = "ncb", _("National Central Bureau")
    NATIONAL_UNIT = "national_unit", _("National unit")
    REGIONAL_BODY = "regional_body", _("Regional body")
    GENERAL_SECRETARIAT = "general_secretariat", _("General Secretariat")
    PARTNER = "partner", _("Private partner")


class AgencyQuerySet(models.QuerySet["Agency"]):
    def members(self) -> AgencyQuerySet:
        """Law-enforcement agencies: everything but private partners."""
        return self.exclude(kind=AgencyKind.PARTNER)

    def active(self, today: datetime.date | None = None) -> AgencyQuerySet:
        today = today or timezone.now().date()
        return self.filter(is_active=True).filter(
            ~Q(kind=AgencyKind.PARTNER) | Q(agreement_expires_on__gte=today)
        )


class Agency(models.Model):
    code = models.CharField(
        _("code"), max_length=32, unique=True, help_text=_("Short unique code, e.g. NCB-KE or AFRIPOL.")
    )
    name = models.CharField(_("name"), max_length=200)
    kind = models.CharField(_("kind"), max_length=24, choices=AgencyKind.choices)
    country = models.ForeignKey(
        Country, on_delete=models.PROTECT, null=True, blank=True, related_name="agencies"
    )
    region = models.CharField(
        _("region served"),
        max_length=24,
        choices=Region.choices,
        blank=True,
        help_text=_("For regional bodies: the region they serve."),
    )
    agreement_reference = models.CharField(_("agreement reference"), max_length=100, blank=True)
    agreement_expires_on = models.DateField(_("agreement expires on"), null=True, blank=True)
    is_active = models.BooleanField(_("active"), default=True)
    created_at = models.DateTimeField(default=timezone.now)
    updated_at = models.DateTimeField(auto_now=True)

    objects = AgencyQuerySet.as_manager()

    class Meta:
        ordering = ["code"]
        verbose_name_plural = _("agencies")
        constraints = [
            models.UniqueConstraint(
                fields=["country"],
                condition=Q(kind="ncb"),
                name="one_ncb_per_country",
                violation_error_message=_("This country already has a National Central Bureau."),
            ),
            models.UniqueConstraint(
                fields=["kind"],
                condition=Q(kind="general_secretariat"),
                name="one_general_secretariat",
                violation_error_message=_("There is exactly one General Secretariat."),
            ),
            models.CheckConstraint(
                condition=~Q(kind__in=["ncb", "national_unit"]) | Q(country__isnull=False),
                name="national_agency_has_country",
                violation_error_message=_("A national agency needs its country."),
            ),
            models.CheckConstraint(
                condition=~Q(kind="partner")
                | (Q(agreement_expires_on__isnull=False) & ~Q(agreement_reference="")),
                name="partner_has_agreement",
                violation_error_message=_("A partner needs an agreement reference and expiry date."),
            ),
        ]

    def __str__(self) -> str:
        return f"{self.name} ({self.code})"

    @property
    def is_partner(self) -> bool:
        return self.kind == AgencyKind.PARTNER

    @property
    def is_general_secretariat(self) -> bool:
        return self.kind == AgencyKind.GENERAL_SECRETARIAT

    def agreement_expired(self, today: datetime.date | None = None) -> bool:
        today = today or timezone.now().date()
        return self.is_partner and (self.agreement_expires_on is None or self.agreement_expires_on < today)

    def can_act(self, today: datetime.date | None = None) -> bool:
        """May this agency's users sign in, read and contribute today?"""
        return self.is_active and not self.agreement_expired(today)


class Channel(models.TextChoices):
    PHONE = "phone", _("Telephone")
    EMAIL = "email", _("E-mail")
    SECURE_MESSAGING = "secure_messaging", _("Secure messaging")
    FAX = "fax", _("Fax")


class ContactPoint(models.Model):
    """A 24/7 point of contact for urgent cross-border requests (UN Convention, Art. 41 style)."""

    agency = models.ForeignKey(Agency, on_delete=models.CASCADE, related_name="contact_points")
    country = models.ForeignKey(Country, on_delete=models.PROTECT, related_name="contact_points")
    channel = models.CharField(_("channel"), max_length=20, choices=Channel.choices)
    address = models.CharField(_("number or address"), max_length=200)
    hours = models.CharField(_("hours"), max_length=100, default="24/7")
    languages = models.CharField(
        _("languages"), max_length=100, help_text=_("ISO 639-1 codes separated by commas, e.g. en,fr.")
    )
    notes = models.TextField(_("notes"), blank=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["country__name", "agency__code", "channel"]

    def __str__(self) -> str:
        return f"{self.agency.code} {self.get_channel_display()} {self.address}"

    @property
    def language_list(self) -> list[str]:
        return [code for code in self.languages.split(",") if code]


class Role(models.TextChoices):
    OFFICER = "officer", _("Officer")
    ANALYST = "analyst", _("Analyst")
    SUPERVISOR = "supervisor", _("Supervisor")
    COORDINATOR = "coordinator", _("Coordinator")
    REVIEWER = "reviewer", _("Reviewer")
    AGENCY_ADMIN = "agency_admin", _("Agency administrator")
    AUDITOR = "auditor", _("Auditor")


# Roles that work with operational data; an auditor or administrator alone sees none of it.
OPERATIONAL_ROLES = frozenset({Role.OFFICER, Role.ANALYST, Role.SUPERVISOR, Role.COORDINATOR, Role.REVIEWER})


class User(AbstractUser):
    agency = models.ForeignKey(Agency, on_delete=models.PROTECT, related_name="users")

    objects = UserManager()  # type: ignore[misc]

    REQUIRED_FIELDS = ["email", "agency"]

    class Meta:
        ordering = ["username"]

    @cached_property
    def roles(self) -> frozenset[str]:
        return frozenset(grant.role for grant in self.role_grants.all())

    def has_role(self, *roles: str) -> bool:
        return bool(self.roles.intersection(roles))

    @property
    def display_name(self) -> str:
        return self.get_full_name() or self.username


class RoleGrant(models.Model):
    user = models.ForeignKey(User, on_delete=models.CASCADE, related_name="role_grants")
    role = models.CharField(max_length=20, choices=Role.choices)
    granted_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["role"]
        constraints = [models.UniqueConstraint(fields=["user", "role"], name="one_grant_per_role")]

    def __str__(self) -> str:
        return f"{self.user_id}:{self.role}"
