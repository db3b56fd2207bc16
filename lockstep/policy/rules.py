"""Who may see and do what: the one place that answers ``can(actor, action, obj)`` and ``visible_to``."""

from __future__ import annotations

from collections.abc import Callable, Iterable
from typing import TYPE_CHECKING, Any

from django.db.models import Q

from lockstep.directory.models import OPERATIONAL_ROLES, Agency, AgencyKind, Role, User

if TYPE_CHECKING:
    from lockstep.policy.models import Marking


def is_active_actor(actor: Any) -> bool:
    """A signed-in, active user whose agency may act today (not suspended, partner agreement not expired)."""
    return isinstance(actor, User) and actor.is_authenticated and actor.is_active and actor.agency.can_act()


def is_operational(actor: Any) -> bool:
    """May work with shared operational data: auditors and administrators alone see none of it."""
    return is_active_actor(actor) and bool(actor.roles & OPERATIONAL_ROLES)


def is_gs_admin(actor: Any) -> bool:
    return is_active_actor(actor) and (
        actor.is_superuser or (actor.agency.is_general_secretariat and actor.has_role(Role.AGENCY_ADMIN))
    )


def visible_marking_q(actor: Any, prefix: str = "") -> Q:
    """Condition on Marking (or on a model's ``prefix`` relation to Marking) matching what ``actor`` may see."""
    from lockstep.policy.models import Audience, Marking, communities_of

    if not is_operational(actor):
        return Q(pk__in=[])
    agency = actor.agency
    # A subquery, not a join: joining the recipients table would repeat rows.
    received_ids = Marking.recipients.through.objects.filter(agency=agency).values("marking_id")
    received = Q(audience=Audience.RECIPIENTS, pk__in=received_ids)
    q = Q(owner=agency) | received
    q |= Q(audience=Audience.COMMUNITY, community__in=communities_of(agency))
    q |= Q(audience=Audience.EVERYONE)
    if not agency.is_partner:
        q |= Q(audience=Audience.MEMBERS)
    if not prefix:
        return q
    return Q(**{f"{prefix}__in": Marking.objects.filter(q)})


def visible_among(actor: Any, markings: Iterable[tuple[int, int, str]]) -> set[int]:
    """Which of these markings, given as (id, owner id, audience), ``actor`` may see: the same answer as
    ``visible_marking_q``, decided without a query where owner and audience settle it (hot paths: lookups,
    hit lists); named recipients and communities are asked of the database."""
    from lockstep.policy.models import Audience, Marking

    if not is_operational(actor):
        return set()
    agency = actor.agency
    open_to = {Audience.EVERYONE} if agency.is_partner else {Audience.EVERYONE, Audience.MEMBERS}
    visible: set[int] = set()
    ask: set[int] = set()
    for pk, owner_id, audience in markings:
        if owner_id == agency.pk or audience in open_to:
            visible.add(pk)
        elif audience in (Audience.RECIPIENTS, Audience.COMMUNITY):
            ask.add(pk)
    if ask:
        visible.update(
            Marking.objects.filter(pk__in=ask).filter(visible_marking_q(actor)).values_list("pk", flat=True)
        )
    return visible


def audit_scope(actor: Any) -> str:
    """Which audit events ``actor`` may read: ``all``, ``agency`` or ``self``."""
    if not is_active_actor(actor):
        return "none"
    if actor.is_superuser:
        return "all"
    if actor.agency.is_general_secretariat and actor.has_role(
        Role.AUDITOR, Role.AGENCY_ADMIN, Role.SUPERVISOR
    ):
        return "all"
    if actor.has_role(Role.AUDITOR, Role.AGENCY_ADMIN):
        return "agency"  # an auditor or administrator outside the GS oversees its own agency
    return "self"


def visible_agencies_q(actor: Any) -> Q:
    """Member agencies see the whole directory; a partner sees the General Secretariat and itself."""
    if not is_active_actor(actor):
        return Q(pk__in=[])
    if actor.agency.is_partner:
        return Q(pk=actor.agency_id) | Q(kind=AgencyKind.GENERAL_SECRETARIAT)
    return Q()


# --- can(actor, action, obj) ----------------------------------------------------------------------------


def _marking_view(actor: User, marking: Marking) -> bool:
    from lockstep.policy.models import Marking

    return Marking.objects.filter(pk=marking.pk).filter(visible_marking_q(actor)).exists()


def _marking_change(actor: User, marking: Marking) -> bool:
    return is_operational(actor) and marking.owner_id == actor.agency_id


def _marking_export(actor: User, marking: Marking) -> bool:
    from lockstep.policy.models import TLP

    if marking.owner_id == actor.agency_id:
        return is_operational(actor) and marking.tlp != TLP.RED
    return marking.tlp != TLP.RED and not marking.no_onward_dissemination and _marking_view(actor, marking)


def _marking_share_onward(actor: User, marking: Marking) -> bool:
    from lockstep.policy.models import TLP

    if marking.owner_id == actor.agency_id:
        return is_operational(actor)
    return (
        marking.tlp not in (TLP.RED, TLP.AMBER_STRICT)
        and not marking.no_onward_dissemination
        and _marking_view(actor, marking)
    )


def _user_manage(actor: User, target: User | Agency) -> bool:
    agency_id = target.pk if isinstance(target, Agency) else target.agency_id
    if is_gs_admin(actor):
        return True
    return actor.has_role(Role.AGENCY_ADMIN) and actor.agency_id == agency_id


def _contact_point_manage(actor: User, agency: Agency) -> bool:
    if is_gs_admin(actor):
        return True
    return actor.agency_id == agency.pk and actor.has_role(Role.AGENCY_ADMIN, Role.SUPERVISOR)


def _agency_view(actor: User, agency: Agency) -> bool:
    return Agency.objects.filter(pk=agency.pk).filter(visible_agencies_q(actor)).exists()


def _token_revoke(actor: User, token: Any) -> bool:
    return token.user_id == actor.pk or _user_manage(actor, token.user)


def _notification_read(actor: User, notification: Any) -> bool:
    return notification.user_id == actor.pk or (
        notification.user_id is None and notification.agency_id == actor.agency_id
    )


RULES: dict[str, Callable[[User, Any], bool]] = {
    "marking.view": _marking_view,
    "marking.change": _marking_change,
    "marking.export": _marking_export,
    "marking.share_onward": _marking_share_onward,
    "agency.view": _agency_view,
    "agency.manage": lambda actor, _obj: is_gs_admin(actor),
    "admin.access": lambda actor, _obj: is_gs_admin(actor),
    "user.manage": _user_manage,
    "contact_point.view": lambda actor, _obj: not actor.agency.is_partner,
    "contact_point.manage": _contact_point_manage,
    "audit.read": lambda actor, _obj: audit_scope(actor) in ("all", "agency"),
    "token.revoke": _token_revoke,
    "notification.read": _notification_read,
}


def can(actor: Any, action: str, obj: Any = None) -> bool:
    """May ``actor`` do ``action`` (a name in RULES) on ``obj``? Unknown actions raise KeyError."""
    rule = RULES[action]
    return is_active_actor(actor) and rule(actor, obj)
