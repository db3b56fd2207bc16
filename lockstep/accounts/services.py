"""Issuing, revoking and checking API tokens; every use is written to the audit log."""

from __future__ import annotations

from datetime import timedelta

from django.conf import settings
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_noop

from lockstep.accounts.models import ApiToken, Scope, digest, new_token_value
from lockstep.accounts.tokenlookup import token_by_digest
from lockstep.audit import context
from lockstep.audit.services import record
from lockstep.directory.models import User
from lockstep.errors import InvalidInput, NotAuthenticated, PermissionDenied
from lockstep.policy.rules import can, is_active_actor

SAFE_METHODS = frozenset({"GET", "HEAD", "OPTIONS"})
LAST_USED_RESOLUTION = timedelta(minutes=1)


def check_token_request(name: str, scope: str, days: int) -> None:
    errors: dict[str, list[str]] = {}
    if not name.strip() or len(name) > 100:
        errors["name"] = [_("Name the token (at most 100 characters), e.g. after the tool that uses it.")]
    if scope not in Scope.values:
        errors["scope"] = [_("The scope is read or read-write.")]
    if not 1 <= days <= settings.LOCKSTEP_TOKEN_MAX_DAYS:
        errors["days"] = [
            _("A token lives between 1 and %(max)d days.") % {"max": settings.LOCKSTEP_TOKEN_MAX_DAYS}
        ]
    if errors:
        raise InvalidInput(_("The token request is not valid."), fields=errors)


def create_token(actor: User | None, user: User, *, name: str, scope: str, days: int) -> tuple[ApiToken, str]:
    """Issue a token for ``user`` (users issue their own; the command line issues for anyone).

    Returns the stored token and its value, which is shown once and never stored.
    """
    if actor is not None and actor.pk != user.pk:
        raise PermissionDenied(_("You can only create tokens for yourself."))
    check_token_request(name, scope, days)
    if not user.is_active or not user.agency.can_act():
        reason = (
            _("The account is deactivated.")
            if not user.is_active
            else _("The partner agreement of %(agency)s has expired.") % {"agency": user.agency.code}
            if user.agency.agreement_expired()
            else _("The agency %(agency)s is suspended.") % {"agency": user.agency.code}
        )
        raise InvalidInput(_("This user cannot sign in, so cannot hold a token."), fields={"user": [reason]})
    value = new_token_value()
    with transaction.atomic():
        token = ApiToken.objects.create(
            user=user,
            name=name.strip(),
            prefix=value[:12],
            digest=digest(value),
            scope=scope,
            expires_at=timezone.now() + timedelta(days=days),
        )
        record(actor, "token.created", token, user=user.username, scope=scope, expires_at=token.expires_at)
        from lockstep.alerts.services import notify_user

        notify_user(
            user,
            "security",
            gettext_noop("A new API token '%(name)s' (%(scope)s) was created for your account."),
            {"name": token.name, "scope": scope},
            target=token,
        )
    return token, value


def revoke_token(actor: User | None, token: ApiToken) -> ApiToken:
    if actor is not None and not can(actor, "token.revoke", token):
        raise PermissionDenied()
    if token.revoked_at is not None:
        return token
    with transaction.atomic():
        token.revoked_at = timezone.now()
        token.save(update_fields=["revoked_at"])
        record(actor, "token.revoked", token, user=token.user.username)
    return token


def authenticate_token(value: str, method: str, path: str) -> User:
    """Return the user a token stands for, or raise. Every use and every refusal is audited."""
    token = token_by_digest(digest(value))
    if token is None or not token.is_usable or not is_active_actor(token.user):
        reason = (
            "unknown"
            if token is None
            else (
                "revoked"
                if token.revoked_at
                else "expired"
                if not token.is_usable
                else "user_or_agency_inactive"
            )
        )
        with transaction.atomic():
            record(
                token.user if token else None,
                "auth.token_rejected",
                token,
                reason=reason,
                prefix=value[:12],
                method=method,
                path=path[:200],
            )
        raise NotAuthenticated(_("The API token is not valid (unknown, expired or revoked)."))
    context.set_via(f"api-token:{token.pk}")
    now = timezone.now()
    if token.last_used_at is None or now - token.last_used_at > LAST_USED_RESOLUTION:
        ApiToken.objects.filter(pk=token.pk).update(last_used_at=now)

    def use() -> None:
        with transaction.atomic():
            record(token.user, "auth.token_used", token, method=method, path=path[:200], scope=token.scope)

    # Every use is attributable: events the request writes carry via=api-token:<id>; if it writes none (a plain
    # read), the use itself is recorded when the request ends (at once outside a request).
    ledger = context.ledger()
    if ledger is None:
        use()
    else:
        ledger.token_use = use
    if method.upper() not in SAFE_METHODS and not token.allows_writes:
        raise PermissionDenied(
            _("This token has the read scope; %(method)s needs a read-write token.")
            % {"method": method.upper()}
        )
    return token.user
