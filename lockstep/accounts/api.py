"""API tokens of the caller: list, create (the value is returned once), revoke."""

from __future__ import annotations

import datetime

from django.http import HttpRequest
from ninja import Field, Router, Schema, Status

from lockstep.accounts import services
from lockstep.accounts.access import get_token_for
from lockstep.accounts.actor import actor_of
from lockstep.accounts.models import ApiToken

router = Router(tags=["tokens"])


class TokenOut(Schema):
    id: int
    name: str
    prefix: str
    scope: str
    created_at: datetime.datetime
    expires_at: datetime.datetime
    revoked_at: datetime.datetime | None
    last_used_at: datetime.datetime | None


class TokenCreated(TokenOut):
    token: str = Field(description="The token value. It is shown this once and cannot be retrieved later.")


class TokenIn(Schema):
    name: str = Field(max_length=100)
    scope: str = Field("read", description="read or read-write")
    days: int = Field(90, description="Lifetime in days")


@router.get("", response=list[TokenOut], summary="The caller's tokens")
def list_tokens(request: HttpRequest) -> list[ApiToken]:
    return list(ApiToken.objects.filter(user=actor_of(request)))


@router.post("", response={201: TokenCreated}, summary="Create a token for the caller")
def create_token(request: HttpRequest, payload: TokenIn) -> Status[TokenCreated]:
    token, value = services.create_token(
        actor_of(request),
        actor_of(request),
        name=payload.name,
        scope=payload.scope,
        days=payload.days,
    )
    return Status(201, TokenCreated(**TokenOut.from_orm(token).model_dump(), token=value))


@router.delete(
    "/{token_id}",
    response=TokenOut,
    summary="Revoke a token: the caller's own, or one of a user the caller administers",
)
def revoke_token(request: HttpRequest, token_id: int) -> ApiToken:
    actor = actor_of(request)
    return services.revoke_token(actor, get_token_for(actor, token_id))
