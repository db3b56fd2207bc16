"""Sign-in with a second factor, sign-out, password change and API tokens."""

from __future__ import annotations

import io
from typing import Any

import qrcode
import qrcode.image.svg
from django.conf import settings
from django.contrib import messages
from django.contrib.auth import update_session_auth_hash
from django.contrib.auth.decorators import login_required
from django.contrib.auth.forms import PasswordChangeForm
from django.contrib.auth.views import LoginView
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST
from django_otp import login as otp_login
from django_otp import match_token
from django_otp.plugins.otp_totp.models import TOTPDevice

from lockstep.accounts import services
from lockstep.accounts.access import get_token_for
from lockstep.accounts.actor import actor_of
from lockstep.accounts.forms import OTPCodeForm, TokenForm
from lockstep.accounts.middleware import is_verified, second_factor_required
from lockstep.accounts.models import ApiToken
from lockstep.audit.services import record
from lockstep.directory import services as directory_services
from lockstep.errors import LockstepError
from lockstep.web.forms import add_errors

NEW_TOKEN = "new-token"  # noqa: S105 - a message tag, not a secret


def _next_url(request: HttpRequest) -> str:
    target = request.POST.get("next") or request.GET.get("next") or ""
    if url_has_allowed_host_and_scheme(target, {request.get_host()}, require_https=request.is_secure()):
        return target
    return "/"


class SignInView(LoginView):
    template_name = "accounts/login.html"
    redirect_authenticated_user = True

    def get_success_url(self) -> str:
        if second_factor_required() and not is_verified(self.request.user):
            target = "/accounts/verify/"
            nxt = _next_url(self.request)
            return f"{target}?next={nxt}" if nxt != "/" else target
        return super().get_success_url()


def locked_out(request: HttpRequest, credentials: Any = None, *args: Any, **kwargs: Any) -> HttpResponse:
    minutes = int(settings.AXES_COOLOFF_TIME.total_seconds() // 60)
    message = _("Too many failed sign-ins. Try again in %(minutes)d minutes.") % {"minutes": minutes}
    return render(request, "accounts/locked_out.html", {"message": message}, status=429)


@login_required
def verify(request: HttpRequest) -> HttpResponse:
    user = actor_of(request)
    if not TOTPDevice.objects.filter(user=user, confirmed=True).exists():
        return redirect("accounts:enroll")
    form = OTPCodeForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        device = match_token(user, form.cleaned_data["code"])
        if device is not None:
            otp_login(request, device)
            record(user, "auth.second_factor_verified", user)
            return redirect(_next_url(request))
        record(user, "auth.second_factor_failed", user)
        form.add_error("code", _("This code is not valid, or too many attempts were made; wait and retry."))
    return render(
        request,
        "accounts/verify.html",
        {"form": form, "next": _next_url(request)},
        status=400 if form.errors else 200,
    )


@login_required
def enroll(request: HttpRequest) -> HttpResponse:
    user = actor_of(request)
    if TOTPDevice.objects.filter(user=user, confirmed=True).exists():
        return redirect("accounts:verify")
    device, _created = TOTPDevice.objects.get_or_create(
        user=user, confirmed=False, defaults={"name": "authenticator"}
    )
    form = OTPCodeForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        if device.verify_token(form.cleaned_data["code"]):
            device.confirmed = True
            device.save(update_fields=["confirmed"])
            otp_login(request, device)
            record(user, "auth.second_factor_enrolled", user)
            return redirect(_next_url(request))
        form.add_error("code", _("This code is not valid. Check the clock of your device and retry."))
    image = qrcode.make(device.config_url, image_factory=qrcode.image.svg.SvgPathImage, box_size=8)
    buffer = io.BytesIO()
    image.save(buffer)
    context = {
        "form": form,
        "qr_svg": buffer.getvalue().decode(),
        "secret": _b32(device),
        "next": _next_url(request),
    }
    return render(request, "accounts/enroll.html", context, status=400 if form.errors else 200)


def _b32(device: TOTPDevice) -> str:
    import base64

    return base64.b32encode(device.bin_key).decode().rstrip("=")


@login_required
def password(request: HttpRequest) -> HttpResponse:
    form = PasswordChangeForm(actor_of(request), request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            directory_services.change_password(
                actor_of(request),
                actor_of(request),
                form.cleaned_data["new_password1"],
            )
        except LockstepError as exc:
            add_errors(form, exc)
        else:
            update_session_auth_hash(request, actor_of(request))
            messages.success(request, _("Your password was changed."))
            return redirect("web:dashboard")
    return render(request, "accounts/password.html", {"form": form}, status=400 if form.errors else 200)


@login_required
def tokens(request: HttpRequest) -> HttpResponse:
    actor = actor_of(request)
    form = TokenForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            _token, value = services.create_token(actor, actor, **form.cleaned_data)
        except LockstepError as exc:
            add_errors(form, exc)
        else:
            # Shown once, on the page the redirect leads to; a reload creates nothing more.
            messages.success(request, value, extra_tags=NEW_TOKEN)
            return redirect("accounts:tokens")
    created_value = next((str(m) for m in messages.get_messages(request) if NEW_TOKEN in m.tags), None)
    listing = ApiToken.objects.filter(user=actor)
    return render(
        request,
        "accounts/tokens.html",
        {"form": form, "tokens": listing, "created_value": created_value},
        status=400 if form.errors else 200,
    )


@require_POST
@login_required
def revoke_token(request: HttpRequest, pk: int) -> HttpResponse:
    actor = actor_of(request)
    token = get_token_for(actor, pk)
    services.revoke_token(actor, token)
    messages.success(request, _("The token was revoked."))
    if token.user_id != actor.pk:
        return redirect("directory:user", pk=token.user_id)
    return redirect("accounts:tokens")
