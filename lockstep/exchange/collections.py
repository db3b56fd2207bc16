"""TAXII collections are audiences: which collection a report's objects go to, and who may read or add."""

from __future__ import annotations

import uuid
from dataclasses import dataclass

from django.utils.translation import gettext as _

from lockstep.directory.models import User
from lockstep.exchange.stixmap import NAMESPACE
from lockstep.policy.models import Audience, Community, Marking, communities_of
from lockstep.policy.rules import is_operational


@dataclass(frozen=True)
class Collection:
    key: str  # what TaxiiObject.collection holds
    title: str
    description: str
    audience: str
    community: Community | None = None
    can_read: bool = True
    can_write: bool = False

    @property
    def id(self) -> str:
        return str(uuid.uuid5(NAMESPACE, f"collection|{self.key}"))


def key_for(marking: Marking) -> str:
    if marking.audience == Audience.COMMUNITY and marking.community is not None:
        return f"community:{marking.community.code}"
    return str(marking.audience)


def collections_for(actor: User) -> list[Collection]:
    """The collections the actor may use; what each returns is still filtered by the Marking of each object."""
    if not is_operational(actor):
        return []
    member = not actor.agency.is_partner
    found = [
        Collection(
            "everyone",
            _("Members and partners"),
            _("Data released to every member agency and vetted partner."),
            Audience.EVERYONE,
            can_write=True,  # a partner's objects wait in the GS validation queue
        ),
    ]
    if member:
        found.append(
            Collection(
                "members",
                _("All member agencies"),
                _("Data released to every member agency."),
                Audience.MEMBERS,
                can_write=True,
            )
        )
    found += [
        Collection(
            "recipients",
            _("Sent to named agencies"),
            _("Data your agency sent to, or received from, named agencies."),
            Audience.RECIPIENTS,
        ),
        Collection(
            "owner",
            _("Your agency only"),
            _("Data your agency keeps to itself."),
            Audience.OWNER,
            can_write=member,
        ),
    ]
    for community in communities_of(actor.agency):
        found.append(
            Collection(
                f"community:{community.code}",
                community.name,
                _("Data shared with the community %(name)s.") % {"name": community.name},
                Audience.COMMUNITY,
                community=community,
                can_write=member,
            )
        )
    return found


def collection_for(actor: User, collection_id: str) -> Collection | None:
    return next((found for found in collections_for(actor) if found.id == collection_id), None)
