"""Directory API: the caller, countries, agencies, 24/7 contact points."""

from __future__ import annotations

import datetime

from django.conf import settings
from django.http import HttpRequest
from django.utils.translation import gettext as _
from ninja import Router, Schema

from lockstep.accounts.actor import actor_of
from lockstep.accounts.middleware import is_verified
from lockstep.directory import access
from lockstep.directory.models import Agency, AgencyKind, ContactPoint, Country, Region
from lockstep.errors import PermissionDenied
from lockstep.policy.rules import can

router = Router(tags=["directory"])


class CountryOut(Schema):
    code: str
    alpha3: str
    name: str
    member: bool
    region: str


class AgencyOut(Schema):
    code: str
    name: str
    kind: str
    country: str | None
    region: str
    agreement_expires_on: datetime.date | None
    active: bool

    @staticmethod
    def of(agency: Agency) -> AgencyOut:
        return AgencyOut(
            code=agency.code,
            name=agency.name,
            kind=agency.kind,
            country=agency.country_id,
            region=agency.region or (agency.country.region if agency.country else ""),
            agreement_expires_on=agency.agreement_expires_on,
            active=agency.can_act(),
        )


class MeOut(Schema):
    username: str
    name: str
    email: str
    agency: AgencyOut
    roles: list[str]
    second_factor_verified: bool
    demo_mode: bool


class ContactPointOut(Schema):
    id: int
    agency: str
    country: str
    channel: str
    address: str
    hours: str
    languages: list[str]
    notes: str

    @staticmethod
    def of(contact: ContactPoint) -> ContactPointOut:
        return ContactPointOut(
            id=contact.pk,
            agency=contact.agency.code,
            country=contact.country_id,
            channel=contact.channel,
            address=contact.address,
            hours=contact.hours,
            languages=contact.language_list,
            notes=contact.notes,
        )


@router.get("/me", response=MeOut, summary="The signed-in user, agency and roles")
def me(request: HttpRequest) -> MeOut:
    user = actor_of(request)
    verified = is_verified(user)
    return MeOut(
        username=user.username,
        name=user.display_name,
        email=user.email,
        agency=AgencyOut.of(user.agency),
        roles=sorted(user.roles),
        second_factor_verified=verified,
        demo_mode=settings.LOCKSTEP_DEMO,
    )


@router.get("/countries", response=list[CountryOut], summary="Every ISO 3166-1 country")
def countries(
    request: HttpRequest, member: bool | None = None, region: Region | None = None
) -> list[Country]:
    rows = Country.objects.all()
    if member is not None:
        rows = rows.filter(member=member)
    if region is not None:
        rows = rows.filter(region=region)
    return list(rows)


@router.get("/countries/{code}", response=CountryOut, summary="One country by ISO alpha-2 code")
def country(request: HttpRequest, code: str) -> Country:
    return access.get_country(code)


@router.get("/agencies", response=list[AgencyOut], summary="Agencies visible to the caller")
def agencies(
    request: HttpRequest, kind: AgencyKind | None = None, country: str | None = None
) -> list[AgencyOut]:
    rows = access.agencies_for(actor_of(request))
    if kind:
        rows = rows.filter(kind=kind)
    if country:
        rows = rows.filter(country_id=country.upper())
    return [AgencyOut.of(agency) for agency in rows]


@router.get("/agencies/{code}", response=AgencyOut, summary="One agency by code")
def agency(request: HttpRequest, code: str) -> AgencyOut:
    return AgencyOut.of(access.get_agency_for(actor_of(request), code))


@router.get(
    "/contact-points", response=list[ContactPointOut], summary="24/7 contact points (law enforcement only)"
)
def contact_points(
    request: HttpRequest, country: str | None = None, agency: str | None = None
) -> list[ContactPointOut]:
    if not can(actor_of(request), "contact_point.view"):
        raise PermissionDenied(_("Contact points are shown to law-enforcement agencies only."))
    rows = access.contact_points_for(actor_of(request))
    if country:
        rows = rows.filter(country_id=country.upper())
    if agency:
        rows = rows.filter(agency__code=agency.upper())
    return [ContactPointOut.of(contact) for contact in rows]
