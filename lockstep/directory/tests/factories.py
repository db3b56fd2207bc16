"""factory_boy factories for the directory."""

from __future__ import annotations

import datetime
from typing import Any

import factory
from django.utils import timezone

from lockstep.directory.countries import sync_countries
from lockstep.directory.models import Agency, Country, RoleGrant, User

PASSWORD = "correct horse battery staple"


def ensure_base_data() -> Agency:
    """What the data migration provides; transactional tests flush it, so fixtures restore it."""
    if not Country.objects.exists():
        sync_countries()
    gs, _ = Agency.objects.get_or_create(
        kind="general_secretariat", defaults={"code": "GS", "name": "General Secretariat"}
    )
    return gs


class AgencyFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Agency
        django_get_or_create = ("code",)

    code = factory.Sequence(lambda n: f"AG-{n}")
    name = factory.LazyAttribute(lambda o: f"Agency {o.code}")
    kind = "national_unit"
    country_id = "KE"

    @classmethod
    def partner(cls, expires: datetime.date | None = None, **kwargs: Any) -> Agency:
        expires = expires or timezone.now().date() + datetime.timedelta(days=180)
        return cls(
            kind="partner",
            country_id=None,
            agreement_reference="GW-TEST",
            agreement_expires_on=expires,
            **kwargs,
        )


class UserFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = User
        django_get_or_create = ("username",)
        skip_postgeneration_save = True

    username = factory.Sequence(lambda n: f"user{n}")
    email = factory.LazyAttribute(lambda o: f"{o.username}@lockstep.example")
    agency = factory.SubFactory(AgencyFactory)
    password = factory.django.Password(PASSWORD)

    @factory.post_generation
    def roles(self, create: bool, extracted: list[str] | None, **kwargs: Any) -> None:
        for role in extracted or ["officer"]:
            RoleGrant.objects.get_or_create(user=self, role=role)
        self.__dict__.pop("roles", None)
