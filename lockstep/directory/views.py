"""Directory pages: countries, agencies, 24/7 contact points, and user administration for agency admins."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.paginator import Paginator
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from lockstep.accounts.actor import actor_of
from lockstep.directory import access, services
from lockstep.directory.forms import ContactPointForm, RolesForm, UserCreateForm
from lockstep.directory.models import Agency, Country, Region
from lockstep.errors import LockstepError, PermissionDenied
from lockstep.policy.rules import can
from lockstep.web.forms import add_errors


@login_required
def countries(request: HttpRequest) -> HttpResponse:
    region = request.GET.get("region", "")
    rows = Country.objects.all()
    if region in Region.values:
        rows = rows.filter(region=region)
    if request.GET.get("member") == "1":
        rows = rows.filter(member=True)
    return render(
        request, "directory/countries.html", {"countries": rows, "regions": Region.choices, "region": region}
    )


@login_required
def agencies(request: HttpRequest) -> HttpResponse:
    rows = access.agencies_for(actor_of(request))
    kind = request.GET.get("kind", "")
    if kind:
        rows = rows.filter(kind=kind)
    return render(request, "directory/agencies.html", {"agencies": rows, "kind": kind})


@login_required
def agency(request: HttpRequest, code: str) -> HttpResponse:
    actor = actor_of(request)
    item = access.get_agency_for(actor, code)
    contacts = access.contact_points_for(actor).filter(agency=item)
    return render(
        request,
        "directory/agency.html",
        {
            "agency": item,
            "contacts": contacts,
            "may_manage_contacts": can(actor, "contact_point.manage", item),
        },
    )


@login_required
def contact_points(request: HttpRequest) -> HttpResponse:
    if not can(actor_of(request), "contact_point.view"):
        raise PermissionDenied(_("Contact points are shown to law-enforcement agencies only."))
    rows = access.contact_points_for(actor_of(request))
    country = request.GET.get("country", "").upper()
    if country:
        rows = rows.filter(country_id=country)
    return render(request, "directory/contact_points.html", {"contacts": rows, "country": country})


@login_required
def contact_point_new(request: HttpRequest, code: str) -> HttpResponse:
    item = access.get_agency_for(actor_of(request), code)
    if not can(actor_of(request), "contact_point.manage", item):
        raise PermissionDenied()
    form = ContactPointForm(request.POST or None, initial={"country": item.country_id})
    if request.method == "POST" and form.is_valid():
        try:
            services.save_contact_point(actor_of(request), item, form.cleaned_data)
        except LockstepError as exc:
            add_errors(form, exc)
        else:
            messages.success(request, _("The contact point was saved."))
            return redirect("directory:agency", code=item.code)
    return render(
        request,
        "directory/contact_point_form.html",
        {"form": form, "agency": item},
        status=400 if form.errors else 200,
    )


@login_required
def contact_point_edit(request: HttpRequest, pk: int) -> HttpResponse:
    contact = access.get_contact_point_for(actor_of(request), pk, write=True)
    initial = {name: getattr(contact, name) for name in ("channel", "address", "hours", "languages", "notes")}
    form = ContactPointForm(request.POST or None, initial={**initial, "country": contact.country_id})
    if request.method == "POST" and form.is_valid():
        try:
            services.save_contact_point(actor_of(request), contact.agency, form.cleaned_data, contact)
        except LockstepError as exc:
            add_errors(form, exc)
        else:
            messages.success(request, _("The contact point was saved."))
            return redirect("directory:agency", code=contact.agency.code)
    return render(
        request,
        "directory/contact_point_form.html",
        {"form": form, "agency": contact.agency, "contact": contact},
        status=400 if form.errors else 200,
    )


@require_POST
@login_required
def contact_point_delete(request: HttpRequest, pk: int) -> HttpResponse:
    contact = access.get_contact_point_for(actor_of(request), pk, write=True)
    code = contact.agency.code
    services.delete_contact_point(actor_of(request), contact)
    messages.success(request, _("The contact point was deleted."))
    return redirect("directory:agency", code=code)


@login_required
def users(request: HttpRequest) -> HttpResponse:
    if not can(actor_of(request), "user.manage", actor_of(request).agency):
        raise PermissionDenied(_("Only agency administrators manage users."))
    rows = access.manageable_users(actor_of(request)).order_by("agency__code", "username")
    page = Paginator(rows, 50).get_page(request.GET.get("page"))
    return render(request, "directory/users.html", {"users": page, "page": page})


@login_required
def user_new(request: HttpRequest) -> HttpResponse:
    actor = actor_of(request)
    if not can(actor, "user.manage", actor.agency):
        raise PermissionDenied(_("Only agency administrators manage users."))
    choices = Agency.objects.all() if can(actor, "agency.manage") else None
    form = UserCreateForm(request.POST or None, agencies=choices)
    if choices is None:
        form.limit_roles(services.allowed_roles(actor, actor.agency))
    if request.method == "POST" and form.is_valid():
        data = dict(form.cleaned_data)
        target_agency = data.pop("agency", None) or actor.agency
        try:
            created = services.create_user(actor, agency=target_agency, **data)
        except LockstepError as exc:
            add_errors(form, exc)
        else:
            messages.success(request, _("The user %(name)s was created.") % {"name": created.username})
            return redirect("directory:user", pk=created.pk)
    return render(request, "directory/user_new.html", {"form": form}, status=400 if form.errors else 200)


@login_required
def user(request: HttpRequest, pk: int) -> HttpResponse:
    target = access.get_user_for(actor_of(request), pk)
    form = RolesForm(request.POST or None, initial={"roles": sorted(target.roles)})
    form.limit_roles(services.allowed_roles(actor_of(request), target.agency, target.roles))
    if request.method == "POST" and form.is_valid():
        try:
            services.set_roles(actor_of(request), target, form.cleaned_data["roles"])
        except LockstepError as exc:
            add_errors(form, exc)
        else:
            messages.success(request, _("The roles were saved."))
            return redirect("directory:user", pk=target.pk)
    context = {"target": target, "form": form, "tokens": target.api_tokens.all()}
    return render(request, "directory/user.html", context, status=400 if form.errors else 200)


@require_POST
@login_required
def user_active(request: HttpRequest, pk: int) -> HttpResponse:
    target = access.get_user_for(actor_of(request), pk)
    active = request.POST.get("active") == "1"
    try:
        services.set_active(actor_of(request), target, active)
    except LockstepError as exc:
        messages.error(request, exc.message)
    else:
        messages.success(
            request, _("The account was activated.") if active else _("The account was deactivated.")
        )
    return redirect("directory:user", pk=target.pk)


@require_POST
@login_required
def user_reset_second_factor(request: HttpRequest, pk: int) -> HttpResponse:
    target = access.get_user_for(actor_of(request), pk)
    services.reset_second_factor(actor_of(request), target)
    messages.success(request, _("The second factor was reset."))
    return redirect("directory:user", pk=target.pk)
