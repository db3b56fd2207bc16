"""Fetch API tokens through the policy: your own, or those of users you administer; others do not exist."""

from __future__ import annotations

from django.db.models import QuerySet

from lockstep.accounts.models import ApiToken
from lockstep.directory.access import manageable_users
from lockstep.directory.models import User
from lockstep.errors import NotFound


def tokens_for(actor: User) -> QuerySet[ApiToken]:
    return ApiToken.objects.filter(user__in=manageable_users(actor).values("pk")) | ApiToken.objects.filter(
        user=actor
    )


def get_token_for(actor: User, pk: int) -> ApiToken:
    token = tokens_for(actor).select_related("user__agency").filter(pk=pk).first()
    if token is None:
        raise NotFound()
    return token
