"""Changes to the directory: agencies, users and roles, contact points. Each one is checked and audited."""

from __future__ import annotations

import datetime
import re
from collections.abc import Iterable
from typing import Any

from django.contrib.auth.password_validation import validate_password
from django.core.exceptions import ValidationError
from django.core.validators import validate_email
from django.db import IntegrityError, transaction
from django.utils.translation import gettext as _
from django.utils.translation import gettext_noop
from django_otp.plugins.otp_totp.models import TOTPDevice

from lockstep.audit.services import record
from lockstep.directory.models import (
    Agency,
    AgencyKind,
    ContactPoint,
    Country,
    Role,
    RoleGrant,
    User,
)
from lockstep.errors import Conflict, InvalidInput, PermissionDenied
from lockstep.policy.rules import can

PARTNER_ROLES = frozenset({Role.OFFICER, Role.ANALYST, Role.AGENCY_ADMIN})


def _require(actor: User | None, action: str, obj: Any = None) -> None:
    """``actor`` None is the command line, run by the node's operator."""
    if actor is not None and not can(actor, action, obj):
        raise PermissionDenied()


# --- agencies -------------------------------------------------------------------------------------------


def check_agency(
    *,
    code: str,
    kind: str,
    country: Country | None,
    agreement_reference: str,
    agreement_expires_on: datetime.date | None,
    exclude_pk: int = 0,
) -> None:
    errors: dict[str, list[str]] = {}
    if not code or not code.replace("-", "").replace("_", "").isalnum() or code != code.upper():
        errors["code"] = [_("Use upper-case letters, digits and hyphens, e.g. NCB-KE.")]
    elif Agency.objects.filter(code=code).exclude(pk=exclude_pk).exists():
        errors["code"] = [_("An agency with this code already exists.")]
    if kind not in AgencyKind.values:
        errors["kind"] = [_("Unknown agency kind.")]
    if kind in (AgencyKind.NCB, AgencyKind.NATIONAL_UNIT) and country is None:
        errors["country"] = [_("A national agency needs its country.")]
    if kind == AgencyKind.NCB and country is not None:
        if not country.member:
            errors["country"] = [_("Only member countries have a National Central Bureau.")]
        elif Agency.objects.filter(kind=AgencyKind.NCB, country=country).exclude(pk=exclude_pk).exists():
            errors["country"] = [_("This country already has a National Central Bureau.")]
    if kind == AgencyKind.GENERAL_SECRETARIAT and (
        Agency.objects.filter(kind=kind).exclude(pk=exclude_pk).exists()
    ):
        errors["kind"] = [_("There is exactly one General Secretariat.")]
    if kind == AgencyKind.PARTNER and (not agreement_reference or agreement_expires_on is None):
        errors["agreement_reference"] = [_("A partner needs an agreement reference and expiry date.")]
    if errors:
        raise InvalidInput(_("The agency is not valid."), fields=errors)


def onboard_agency(actor: User | None, **fields: Any) -> Agency:
    """Create an agency (GS administrators, or the command line)."""
    _require(actor, "agency.manage")
    check_agency(
        code=fields.get("code", ""),
        kind=fields.get("kind", ""),
        country=fields.get("country"),
        agreement_reference=fields.get("agreement_reference", ""),
        agreement_expires_on=fields.get("agreement_expires_on"),
    )
    with transaction.atomic():
        agency = Agency.objects.create(**fields)
        record(actor, "agency.created", agency, **_agency_details(agency))
    return agency


def update_agency(actor: User | None, agency: Agency, **changes: Any) -> Agency:
    _require(actor, "agency.manage")
    if agency.is_general_secretariat and changes.get("kind", agency.kind) != AgencyKind.GENERAL_SECRETARIAT:
        raise Conflict(_("The General Secretariat cannot change kind."))
    merged = {**_agency_fields(agency), **changes}
    check_agency(
        code=merged["code"],
        kind=merged["kind"],
        country=merged["country"],
        agreement_reference=merged["agreement_reference"],
        agreement_expires_on=merged["agreement_expires_on"],
        exclude_pk=agency.pk,
    )
    before = _agency_details(agency)
    with transaction.atomic():
        for name, value in changes.items():
            setattr(agency, name, value)
        agency.save()
        after = _agency_details(agency)
        changed = {key: [before[key], after[key]] for key in after if before[key] != after[key]}
        record(actor, "agency.updated", agency, changed=changed)
    return agency


def _agency_fields(agency: Agency) -> dict[str, Any]:
    return {
        "code": agency.code,
        "kind": agency.kind,
        "country": agency.country,
        "agreement_reference": agency.agreement_reference,
        "agreement_expires_on": agency.agreement_expires_on,
    }


def _agency_details(agency: Agency) -> dict[str, Any]:
    return {
        "code": agency.code,
        "name": agency.name,
        "kind": agency.kind,
        "country": agency.country_id,
        "region": agency.region,
        "agreement_reference": agency.agreement_reference,
        "agreement_expires_on": agency.agreement_expires_on,
        "is_active": agency.is_active,
    }


# --- users and roles ------------------------------------------------------------------------------------


# Roles only a GS administrator (or the node operator) may grant: they open the whole audit log or the GS queues.
GS_GRANTED_ROLES = frozenset({Role.AUDITOR, Role.REVIEWER})


def allowed_roles(actor: User | None, agency: Agency, current: Iterable[str] = ()) -> list[str]:
    """The roles ``actor`` may offer a user of ``agency`` (what forms show; ``check_roles`` decides)."""
    roles = set(PARTNER_ROLES) if agency.is_partner else set(Role.values)
    if not agency.is_general_secretariat:
        roles.discard(Role.REVIEWER)
    if actor is not None and not can(actor, "agency.manage"):
        roles -= GS_GRANTED_ROLES - set(current)
    return [role for role in Role.values if role in roles]


def check_roles(
    agency: Agency, roles: Iterable[str], *, actor: User | None = None, current: Iterable[str] = ()
) -> list[str]:
    """Validate the roles ``actor`` gives a user of ``agency`` (``current``: the roles the user holds now)."""
    roles = sorted(set(roles))
    unknown = [role for role in roles if role not in Role.values]
    if unknown:
        raise InvalidInput(
            _("Unknown role: %(roles)s") % {"roles": ", ".join(unknown)},
            fields={"roles": [_("Roles are: %(roles)s") % {"roles": ", ".join(Role.values)}]},
        )
    if Role.REVIEWER in roles and not agency.is_general_secretariat:
        raise InvalidInput(
            _("Only General Secretariat users can be reviewers."),
            fields={"roles": [_("Only General Secretariat users can be reviewers.")]},
        )
    if agency.is_partner and not set(roles) <= PARTNER_ROLES:
        raise InvalidInput(
            _("Partner users can be officers, analysts or agency administrators."),
            fields={"roles": [_("Partner users can be officers, analysts or agency administrators.")]},
        )
    if not roles:
        raise InvalidInput(_("Give the user at least one role."), fields={"roles": [_("Required.")]})
    granted = GS_GRANTED_ROLES.intersection(set(roles) - set(current))
    if granted and actor is not None and not can(actor, "agency.manage"):
        message = _("Only General Secretariat administrators grant these roles: %(roles)s") % {
            "roles": ", ".join(sorted(granted))
        }
        raise InvalidInput(message, fields={"roles": [message]})
    return roles


def create_user(
    actor: User | None,
    *,
    username: str,
    agency: Agency,
    roles: Iterable[str],
    password: str | None,
    email: str = "",
    first_name: str = "",
    last_name: str = "",
) -> User:
    """Create a user of ``agency`` with ``roles``; agency administrators create users of their own agency."""
    _require(actor, "user.manage", agency)
    errors: dict[str, list[str]] = {}
    try:
        role_list = check_roles(agency, roles, actor=actor)
    except InvalidInput as exc:
        errors.update(exc.fields)
    if not username or len(username) > 150 or not USERNAME.match(username):
        errors["username"] = [
            _("Give a user name of at most 150 letters, digits and the characters . - _ @ (e.g. ke.analyst).")
        ]
    elif User.objects.filter(username__iexact=username).exists():
        errors["username"] = [_("This user name is taken.")]
    if email:
        try:
            validate_email(email)
        except ValidationError:
            errors["email"] = [_("Give a valid e-mail address.")]
    candidate = User(
        username=username, email=email, first_name=first_name, last_name=last_name, agency=agency
    )
    if password is not None:
        try:
            validate_password(password, candidate)
        except ValidationError as exc:
            errors["password"] = list(exc.messages)
    if errors:
        raise InvalidInput(_("The user is not valid."), fields=errors)
    with transaction.atomic():
        if password is None:
            candidate.set_unusable_password()
        else:
            candidate.set_password(password)
        candidate.is_staff = agency.is_general_secretariat and Role.AGENCY_ADMIN in role_list
        try:
            candidate.save()
        except IntegrityError:
            raise Conflict(_("This user name is taken.")) from None
        RoleGrant.objects.bulk_create([RoleGrant(user=candidate, role=role) for role in role_list])
        record(actor, "user.created", candidate, agency=agency.code, roles=role_list)
        _notify_user(
            candidate,
            "account",
            gettext_noop("Your Lockstep account was created with the roles: %(roles)s."),
            roles=", ".join(role_list),
        )
    return candidate


def set_roles(actor: User | None, user: User, roles: Iterable[str]) -> User:
    _require(actor, "user.manage", user)
    before = sorted(user.roles)
    role_list = check_roles(user.agency, roles, actor=actor, current=before)
    if (
        actor is not None
        and actor.pk == user.pk
        and Role.AGENCY_ADMIN in before
        and (Role.AGENCY_ADMIN not in role_list)
    ):
        raise Conflict(_("You cannot remove your own administrator role."))
    with transaction.atomic():
        RoleGrant.objects.filter(user=user).exclude(role__in=role_list).delete()
        RoleGrant.objects.bulk_create(
            [RoleGrant(user=user, role=role) for role in role_list if role not in before]
        )
        user.is_staff = user.agency.is_general_secretariat and Role.AGENCY_ADMIN in role_list
        user.save(update_fields=["is_staff"])
        user.__dict__.pop("roles", None)
        record(actor, "user.roles_changed", user, before=before, after=role_list)
        _notify_user(
            user, "account", gettext_noop("Your roles are now: %(roles)s."), roles=", ".join(role_list)
        )
    return user


def set_active(actor: User | None, user: User, active: bool) -> User:
    _require(actor, "user.manage", user)
    if actor is not None and actor.pk == user.pk and not active:
        raise Conflict(_("You cannot deactivate your own account."))
    if user.is_active == active:
        return user
    with transaction.atomic():
        user.is_active = active
        user.save(update_fields=["is_active"])
        record(actor, "user.activated" if active else "user.deactivated", user)
    return user


def reset_second_factor(actor: User | None, user: User) -> int:
    """Remove the user's TOTP devices: the next sign-in enrols a new one."""
    _require(actor, "user.manage", user)
    with transaction.atomic():
        removed, _detail = TOTPDevice.objects.filter(user=user).delete()
        record(actor, "user.second_factor_reset", user, devices_removed=removed)
        _notify_user(
            user,
            "account",
            gettext_noop("Your second factor was reset; you will enrol a new one at sign-in."),
        )
    return removed


def change_password(actor: User, user: User, password: str) -> None:
    if actor.pk != user.pk:
        _require(actor, "user.manage", user)
    try:
        validate_password(password, user)
    except ValidationError as exc:
        raise InvalidInput(_("The password is not valid."), fields={"password": list(exc.messages)}) from None
    with transaction.atomic():
        user.set_password(password)
        user.save(update_fields=["password"])
        record(actor, "user.password_changed", user)


def _notify_user(user: User, kind: str, message: str, **params: str) -> None:
    from lockstep.alerts.services import notify_user

    notify_user(user, kind, message, params, target=user)


# --- contact points -------------------------------------------------------------------------------------


USERNAME = re.compile(r"^[\w.@-]+$")
PHONE = re.compile(r"^\+?[0-9 ()./-]{6,30}$")


def check_contact_point(agency: Agency, fields: dict[str, Any]) -> None:
    from lockstep.directory.models import Channel

    errors: dict[str, list[str]] = {}
    channel = fields.get("channel")
    address = str(fields.get("address", "")).strip()
    if channel not in Channel.values:
        errors["channel"] = [_("Unknown channel.")]
    if not address:
        errors["address"] = [_("Give the number or address.")]
    elif channel in (Channel.PHONE, Channel.FAX) and (
        not PHONE.match(address) or sum(c.isdigit() for c in address) < 6
    ):
        errors["address"] = [_("Give a telephone number in international form, e.g. +254 20 000 0000.")]
    elif channel == Channel.EMAIL:
        try:
            validate_email(address)
        except ValidationError:
            errors["address"] = [_("Give a valid e-mail address.")]
    country = fields.get("country") or agency.country
    if country is None:
        errors["country"] = [_("Choose the country served.")]
    elif agency.kind in (AgencyKind.NCB, AgencyKind.NATIONAL_UNIT) and country.pk != agency.country_id:
        errors["country"] = [_("A national agency is a contact point for its own country only.")]
    codes = [code.strip() for code in str(fields.get("languages", "")).split(",") if code.strip()]
    if not codes or any(len(code) != 2 or not code.isalpha() for code in codes):
        errors["languages"] = [_("Give ISO 639-1 language codes separated by commas, e.g. en,fr.")]
    if errors:
        raise InvalidInput(_("The contact point is not valid."), fields=errors)


def save_contact_point(
    actor: User | None, agency: Agency, fields: dict[str, Any], contact: ContactPoint | None = None
) -> ContactPoint:
    _require(actor, "contact_point.manage", agency)
    check_contact_point(agency, fields)
    fields = {
        **fields,
        "address": str(fields["address"]).strip(),
        "country": fields.get("country") or agency.country,
        "languages": ",".join(
            code.strip().lower() for code in str(fields["languages"]).split(",") if code.strip()
        ),
    }
    with transaction.atomic():
        created = contact is None
        contact = contact or ContactPoint(agency=agency)
        for name, value in fields.items():
            setattr(contact, name, value)
        contact.save()
        record(
            actor,
            "contact_point.created" if created else "contact_point.updated",
            contact,
            agency=agency.code,
            channel=contact.channel,
            country=contact.country_id,
        )
    return contact


def delete_contact_point(actor: User | None, contact: ContactPoint) -> None:
    _require(actor, "contact_point.manage", contact.agency)
    with transaction.atomic():
        record(actor, "contact_point.deleted", contact, agency=contact.agency.code, channel=contact.channel)
        contact.delete()
