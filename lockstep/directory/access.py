"""Fetch directory objects through the policy: outside the actor's scope they do not exist (404)."""

from __future__ import annotations

from django.db.models import QuerySet

from lockstep.directory.models import Agency, ContactPoint, Country, User
from lockstep.errors import NotFound
from lockstep.policy.rules import can, visible_agencies_q


def agencies_for(actor: User) -> QuerySet[Agency]:
    return Agency.objects.filter(visible_agencies_q(actor)).select_related("country")


def get_agency_for(actor: User, code: str) -> Agency:
    agency = agencies_for(actor).filter(code=code.upper()).first()
    if agency is None:
        raise NotFound()
    return agency


def get_country(code: str) -> Country:
    country = Country.objects.filter(code=code.upper()).first()
    if country is None:
        raise NotFound()
    return country


def contact_points_for(actor: User) -> QuerySet[ContactPoint]:
    if not can(actor, "contact_point.view"):
        return ContactPoint.objects.none()
    return ContactPoint.objects.select_related("agency", "country")


def get_contact_point_for(actor: User, pk: int, *, write: bool = False) -> ContactPoint:
    contact = contact_points_for(actor).filter(pk=pk).first()
    if contact is None or (write and not can(actor, "contact_point.manage", contact.agency)):
        raise NotFound()
    return contact


def manageable_users(actor: User) -> QuerySet[User]:
    """Users the actor administers: its agency's, or everyone's for GS administrators."""
    users = User.objects.select_related("agency").prefetch_related("role_grants")
    if can(actor, "agency.manage"):
        return users
    if can(actor, "user.manage", actor.agency):
        return users.filter(agency=actor.agency)
    return users.none()


def get_user_for(actor: User, pk: int) -> User:
    user = manageable_users(actor).filter(pk=pk).first()
    if user is None:
        raise NotFound()
    return user
