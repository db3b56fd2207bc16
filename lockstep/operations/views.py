"""Operation pages: the list, launching one, its overview (participants, phases, figures, press sentence,
timeline), its infrastructure (filtered pages, bulk state changes, import) and its results form."""

from __future__ import annotations

import datetime
from typing import Any

from django.conf import settings
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.paginator import Paginator
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import ngettext
from django.views.decorators.http import require_POST

from lockstep.accounts.actor import operational_actor_of
from lockstep.audit.models import AuditEvent
from lockstep.directory.models import Agency
from lockstep.errors import Conflict, InvalidInput, PermissionDenied
from lockstep.intel.canonical import InvalidValue
from lockstep.intel.forms import typed_lines
from lockstep.intel.lookup import guess_kind
from lockstep.lib.commands import describe
from lockstep.operations import services
from lockstep.operations.charts import charts
from lockstep.operations.files import text_of
from lockstep.operations.forms import LaunchForm, ResultsForm
from lockstep.operations.models import (
    COUNTS,
    InfrastructureImport,
    InfrastructureKind,
    ParticipantRole,
    ResultReport,
    TakedownState,
    TargetKind,
)
from lockstep.operations.results import dashboard, press_figures


@login_required
def operation_list(request: HttpRequest) -> HttpResponse:
    actor = operational_actor_of(request)
    return render(
        request,
        "operations/list.html",
        {"operations": services.operations_for(actor)[:200], "may_launch": services.may_launch(actor)},
    )


@login_required
def operation_new(request: HttpRequest) -> HttpResponse:
    actor = operational_actor_of(request)
    if not services.may_launch(actor):
        raise PermissionDenied(_("Coordinators of member agencies launch operations."))
    form = LaunchForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            operation = services.launch_operation(actor, **form.launch_arguments())
        except (InvalidInput, Conflict) as exc:
            form.add_error(None, describe(exc))
        else:
            messages.success(request, _("Operation %(name)s launched.") % {"name": operation.code_name})
            return redirect("operations:detail", code_name=operation.code_name)
    return render(request, "operations/new.html", {"form": form})


@login_required
def operation_detail(request: HttpRequest, code_name: str) -> HttpResponse:
    actor = operational_actor_of(request)
    return _detail(request, actor, services.get_operation_for(actor, code_name))


def _detail(
    request: HttpRequest, actor: Any, operation: Any, results_form: ResultsForm | None = None
) -> HttpResponse:
    """The overview; with ``results_form`` (refused), the form comes back as it was typed, with its errors."""
    figures = dashboard(operation)
    role = services.role_of(operation, actor.agency)
    timeline = AuditEvent.objects.filter(
        target_type="operations.operation", target_id=str(operation.pk)
    ).order_by("-seq")[:200]
    return render(
        request,
        "operations/detail.html",
        {
            "operation": operation,
            "figures": figures,
            "press": press_figures(operation, figures),
            "charts": charts(figures),
            "share": f"{figures['taken_down_share']:.0%}",
            "counts": [(name, label, figures["totals"][name]) for name, label in COUNTS],
            "participants": operation.participants.select_related("agency"),
            "phases": operation.phases.all(),
            "may_run": services.may_run(actor, operation),
            "may_report": role is not None and role != ParticipantRole.PARTNER,
            "results_form": results_form
            or ResultsForm(
                initial=ResultsForm.initial_from(
                    ResultReport.objects.filter(operation=operation, agency=actor.agency, current=True)
                    .prefetch_related("money")
                    .first()
                )
            ),
            "results_open": results_form is not None,
            "roles": [
                (value, label) for value, label in ParticipantRole.choices if value != ParticipantRole.LEAD
            ],
            "agencies": Agency.objects.exclude(operation_roles__operation=operation).order_by("code")[:500],
            "timeline": timeline,
        },
        status=400 if results_form is not None else 200,
    )


def _filters(request: HttpRequest) -> dict[str, str]:
    return {key: request.GET.get(key, "").strip() for key in ("kind", "state", "country", "search")}


@login_required
def infrastructure(request: HttpRequest, code_name: str) -> HttpResponse:
    actor = operational_actor_of(request)
    operation = services.get_operation_for(actor, code_name)
    filters = _filters(request)
    page = Paginator(
        services.infrastructure_items(operation, **filters).select_related("agency").order_by("id"), 100
    ).get_page(request.GET.get("page"))
    return render(
        request,
        "operations/infrastructure.html",
        {
            "operation": operation,
            "page": page,
            "filters": filters,
            "query": "&".join(f"{key}={value}" for key, value in filters.items() if value),
            "kinds": InfrastructureKind.choices,
            "states": TakedownState.choices,
            **_imports(operation, actor),
        },
    )


def _imports(operation: Any, actor: Any) -> dict[str, Any]:
    """The agency's recent imports into the operation (its own work: other agencies' files stay theirs)."""
    jobs = list(
        InfrastructureImport.objects.filter(operation=operation, user__agency=actor.agency)
        .select_related("user")
        .defer("content")[:10]
    )
    return {"imports": jobs, "imports_running": any(job.running for job in jobs)}


@login_required
def imports(request: HttpRequest, code_name: str) -> HttpResponse:
    """The imports' progress (the part of the infrastructure page htmx refreshes while one runs)."""
    actor = operational_actor_of(request)
    operation = services.get_operation_for(actor, code_name)
    return render(
        request,
        "operations/_imports.html",
        {"operation": operation, **_imports(operation, actor)},
    )


@login_required
def targets(request: HttpRequest, code_name: str) -> HttpResponse:
    actor = operational_actor_of(request)
    operation = services.get_operation_for(actor, code_name)
    rows = []
    for target in services.targets_of(operation):
        reports, notices = services.linked_for(actor, target)
        rows.append({"target": target, "reports": reports, "notices": notices})
    return render(
        request,
        "operations/targets.html",
        {
            "operation": operation,
            "rows": rows,
            "may_run": services.may_run(actor, operation),
            "kinds": TargetKind.choices,
            "participants": operation.participants.select_related("agency").order_by("agency__code"),
            "today": timezone.localdate(),
        },
    )


def _values(text: str, country: str | None) -> list[tuple[str, str]]:
    """'type value' lines (as on the lookup page), the type recognised when it is left out; a value that is
    not recognised is passed on as a domain, for the target check to name it."""
    values = []
    for kind, raw in typed_lines(text):
        if kind is None:
            try:
                kind, raw = guess_kind(raw, country)
            except InvalidValue:
                kind = "domain"
        values.append((kind, raw))
    return values


def _target_action(request: HttpRequest, actor: Any, operation: Any, action: str) -> None:
    post = request.POST
    if action == "target":
        code = post.get("allocated_to", "")
        allocated = Agency.objects.filter(code=code).first() if code else None
        if code and allocated is None:
            raise InvalidInput(_("Choose an agency."), fields={"allocated_to": [code[:40]]})
        services.add_target(
            actor,
            operation,
            kind=post.get("kind", ""),
            name=post.get("name", ""),
            description=post.get("description", ""),
            allocated_to=allocated,
            values=_values(post.get("values", ""), actor.agency.country_id),
            reports=post.get("reports", "").replace(",", " ").split(),
            notices=post.get("notices", "").replace(",", " ").split(),
        )
        messages.success(request, _("Target added."))
    elif action == "task":
        agency = Agency.objects.filter(code=post.get("agency", "")).first()
        if agency is None:
            raise InvalidInput(_("Choose an agency."), fields={"agency": [_("required")]})
        try:
            due = datetime.date.fromisoformat(post["due_on"]) if post.get("due_on") else None
        except ValueError:
            raise InvalidInput(
                _("The due date is not a date."), fields={"due_on": [post["due_on"]]}
            ) from None
        services.add_task(
            actor, services.get_target(operation, post.get("target", "")), agency, post.get("text", ""), due
        )
        messages.success(request, _("Task given to %(agency)s.") % {"agency": agency.code})
    else:
        services.complete_task(actor, services.get_task(operation, post.get("task", "")))
        messages.success(request, _("Task done."))


@login_required
@require_POST
def operation_action(request: HttpRequest, code_name: str, action: str) -> HttpResponse:
    actor = operational_actor_of(request)
    operation = services.get_operation_for(actor, code_name)
    back = redirect("operations:detail", code_name=operation.code_name)
    try:
        if action in ("target", "task", "done"):
            _target_action(request, actor, operation, action)
            back = redirect("operations:targets", code_name=operation.code_name)
        elif action == "join":
            agency = Agency.objects.filter(code=request.POST.get("agency", "")).first()
            if agency is None:
                raise InvalidInput(_("Choose an agency."), fields={"agency": [_("required")]})
            services.add_participant(actor, operation, agency, request.POST.get("role", ""))
            messages.success(request, _("%(agency)s takes part.") % {"agency": agency.code})
        elif action == "status":
            services.set_status(actor, operation, request.POST.get("status", ""))
            messages.success(request, _("Status changed."))
        elif action == "results":
            form = ResultsForm(request.POST)
            if not form.is_valid():
                return _detail(request, actor, operation, form)
            try:
                services.report_results(actor, operation, **form.report_arguments())
            except InvalidInput as exc:  # the form comes back as typed, each problem by its field
                for name, problems in exc.fields.items():
                    for problem in problems:
                        form.add_error(name if name in form.fields else None, problem)
                form.add_error(None, exc.message)
                return _detail(request, actor, operation, form)
            messages.success(request, _("Results recorded for %(agency)s.") % {"agency": actor.agency.code})
        elif action == "import":
            back = redirect("operations:infrastructure", code_name=operation.code_name)
            if "values" in request.POST:  # straight from an intel lookup: a few values, imported at once
                lines = typed_lines(request.POST["values"])
                if len(lines) > settings.LOCKSTEP_LOOKUP_MAX:
                    raise InvalidInput(
                        _("At most %(max)d values at once; import a file for more.")
                        % {"max": settings.LOCKSTEP_LOOKUP_MAX},
                        fields={"values": [str(len(lines))]},
                    )
                rows, left_out = services.rows_from_intel(
                    (kind, value) for kind, value in lines if kind is not None
                )
                left_out += sum(1 for kind, _value in lines if kind is None)
                summary = services.import_infrastructure(actor, operation, rows)
                messages.success(
                    request,
                    _(
                        "Added: %(created)s; already held: %(already)s; left out (not infrastructure): %(left)s."
                    )
                    % {"created": summary.created, "already": summary.already, "left": left_out},
                )
            else:
                upload = request.FILES.get("file")
                if upload is None:
                    raise InvalidInput(
                        _("Choose a CSV or JSON Lines file."), fields={"file": [_("required")]}
                    )
                if upload.size and upload.size > services.MAX_IMPORT_BYTES:
                    raise InvalidInput(
                        _("The file is larger than 200 MB."), fields={"file": [_("too large")]}
                    )
                services.queue_import(actor, operation, upload.name or "upload", text_of(upload.read()))
                messages.success(
                    request,
                    _("The import of %(name)s is queued; its progress shows below.") % {"name": upload.name},
                )
        elif action == "state":
            filters = {
                key: request.POST.get(key, "").strip() for key in ("kind", "state_from", "country", "search")
            }
            filters["state"] = filters.pop("state_from")
            if not any(filters.values()):
                raise InvalidInput(_("Filter the items first: the change applies to what the filters show."))
            count = services.change_state(
                actor,
                operation,
                services.infrastructure_items(operation, **filters),
                request.POST.get("to", ""),
                evidence_ref=request.POST.get("evidence_ref", ""),
            )
            messages.success(
                request,
                ngettext("%(count)s item changed.", "%(count)s items changed.", count)
                % {"count": f"{count:,}"},
            )
            query = "&".join(f"{key}={value}" for key, value in filters.items() if value)
            response = redirect("operations:infrastructure", code_name=operation.code_name)
            response["Location"] += f"?{query}" if query else ""
            return response
        else:
            raise Http404()
    except (InvalidInput, Conflict) as exc:
        messages.error(request, describe(exc))
        if action in ("target", "task", "done"):
            back = redirect("operations:targets", code_name=operation.code_name)
    return back
