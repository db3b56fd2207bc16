"""Exchange pages: the General Secretariat's validation queue for partner data, the import page (preview,
then confirm), report export, partner sources."""

from __future__ import annotations

import io
import itertools
import secrets
from pathlib import Path
from typing import Any

from django.conf import settings
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.paginator import Paginator
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from lockstep.accounts.actor import actor_of
from lockstep.directory.models import User
from lockstep.errors import InvalidInput, PermissionDenied
from lockstep.exchange import validation
from lockstep.exchange.documents import export_reports, import_document, parse_json, preview_document
from lockstep.exchange.forms import AcceptForm, ImportForm, RejectForm, SourceForm, column_mapping
from lockstep.exchange.source_services import (
    delete_source,
    get_source_for,
    queue_pull,
    save_source,
    sources_for,
)
from lockstep.intel import access
from lockstep.intel.imports import FIELDS, import_file, read_rows
from lockstep.lib.commands import describe
from lockstep.lib.fetching import FetchError, fetch_url
from lockstep.policy.audience import MarkingSpec
from lockstep.policy.rules import is_operational


def _validator(request: HttpRequest) -> None:
    if not validation.can_validate(actor_of(request)):
        raise PermissionDenied(_("The validation queue is for General Secretariat reviewers and analysts."))


@login_required
def queue(request: HttpRequest) -> HttpResponse:
    _validator(request)
    rows = validation.pending_reports(actor_of(request))
    page = Paginator(rows, 50).get_page(request.GET.get("page"))
    return render(request, "exchange/queue.html", {"page": page, "now": timezone.now()})


@login_required
def pending(request: HttpRequest, reference: str) -> HttpResponse:
    _validator(request)
    report = validation.get_pending_for(actor_of(request), reference)
    observables = Paginator(report.observables.order_by("kind", "value"), 200).get_page(
        request.GET.get("page")
    )
    initial = {"source_reliability": "F", "info_credibility": "6"}
    return render(
        request,
        "exchange/pending.html",
        {
            "report": report,
            "observables": observables,
            "accept": AcceptForm(initial=initial),
            "reject": RejectForm(),
        },
    )


@login_required
@require_POST
def accept(request: HttpRequest, reference: str) -> HttpResponse:
    _validator(request)
    actor = actor_of(request)
    report = validation.get_pending_for(actor, reference)
    form = AcceptForm(request.POST)
    if not form.is_valid():
        messages.error(request, _("Grade the source and the information."))
        return redirect("exchange:pending", reference=reference)
    hits = validation.accept_partner_report(actor, report, **form.cleaned_data)
    messages.success(
        request,
        _("%(reference)s accepted and released (%(hits)d hits).") % {"reference": reference, "hits": hits},
    )
    return redirect("exchange:queue")


@login_required
@require_POST
def reject(request: HttpRequest, reference: str) -> HttpResponse:
    _validator(request)
    actor = actor_of(request)
    report = validation.get_pending_for(actor, reference)
    form = RejectForm(request.POST)
    if not form.is_valid():
        messages.error(request, _("Say why the report is rejected."))
        return redirect("exchange:pending", reference=reference)
    validation.reject_partner_report(actor, report, form.cleaned_data["reason"])
    messages.success(request, _("%(reference)s rejected.") % {"reference": reference})
    return redirect("exchange:queue")


# --- import, export, partner sources --------------------------------------------------------------------

MAX_UPLOAD = 50 * 1024 * 1024


def _upload_path(request: HttpRequest, token: str) -> Path:
    folder = Path(settings.DATA_DIR) / "uploads"
    folder.mkdir(parents=True, exist_ok=True)
    return folder / f"{actor_of(request).pk}-{token}"


def _read_upload(form: ImportForm) -> tuple[bytes, str]:
    upload = form.cleaned_data.get("file")
    if upload is not None:
        if upload.size > MAX_UPLOAD:
            raise InvalidInput(_("The file is larger than 50 MB."), fields={"file": [upload.name]})
        return upload.read(), upload.name
    url = form.cleaned_data["url"]
    try:
        content = fetch_url(url, limit=MAX_UPLOAD, public_only=True)
    except FetchError as exc:
        raise InvalidInput(str(exc), fields={"url": [url]}) from None
    return content, url.split("?", 1)[0].rsplit("/", 1)[-1] or "download"


def _is_rows(name: str, fmt: str) -> bool:
    return fmt == "csv" or (fmt == "auto" and name.lower().endswith((".csv", ".jsonl", ".ndjson")))


@login_required
def import_page(request: HttpRequest) -> HttpResponse:
    """Upload or address, then a preview of what will be created and with which Marking, then confirm."""
    actor = actor_of(request)
    if not is_operational(actor):
        raise PermissionDenied()
    form = ImportForm(request.POST or None, request.FILES or None)
    if request.method != "POST" or not form.is_valid():
        return render(request, "exchange/import.html", {"form": form})
    options = {key: form.cleaned_data[key] for key in ("format", "tlp", "audience", "override", "mapping")}
    try:
        content, name = _read_upload(form)
        token = secrets.token_urlsafe(16)
        _upload_path(request, token).write_bytes(content)
        request.session["exchange_import"] = {"token": token, "name": name, **options}
        context = _preview(actor, content, name, options)
    except InvalidInput as exc:
        form.add_error(None, describe(exc))
        return render(request, "exchange/import.html", {"form": form})
    return render(request, "exchange/import_preview.html", {**context, "name": name, "options": options})


def _defaults(actor: User, options: dict[str, Any]) -> MarkingSpec:
    return MarkingSpec(owner=actor.agency, tlp=options["tlp"], audience=options["audience"])


def _preview(actor: User, content: bytes, name: str, options: dict[str, Any]) -> dict[str, Any]:
    if _is_rows(name, options["format"]):
        text = content.decode("utf-8-sig", errors="replace")
        rows = list(
            itertools.islice(read_rows(io.StringIO(text), name, column_mapping(options["mapping"])), 20)
        )
        return {"rows": rows, "fields": FIELDS, "lines": text.count("\n")}
    data = parse_json(content.decode("utf-8-sig", errors="replace"))
    previews = preview_document(
        actor,
        data,
        defaults=_defaults(actor, options),
        format=options["format"],
        override=options["override"],
    )
    return {"previews": previews}


@login_required
@require_POST
def import_confirm(request: HttpRequest) -> HttpResponse:
    actor = actor_of(request)
    if not is_operational(actor):
        raise PermissionDenied()
    pending = request.session.pop("exchange_import", None)
    path = _upload_path(request, pending["token"]) if pending else None
    if pending is None or path is None or not path.exists():
        messages.error(request, _("Nothing to import: upload the file again."))
        return redirect("exchange:import")
    try:
        if _is_rows(pending["name"], pending["format"]):
            progress = import_file(
                actor,
                path.rename(path.with_suffix(Path(pending["name"]).suffix or ".csv")),
                mapping=column_mapping(pending["mapping"]),
                tlp=pending["tlp"],
                audience=pending["audience"],
            )
            messages.success(
                request,
                _("%(rows)d rows: %(added)d values added, %(rejected)d rejected.")
                % {"rows": progress.rows, "added": progress.added, "rejected": progress.rejected},
            )
            return redirect("intel:reports")
        data = parse_json(path.read_text(encoding="utf-8-sig", errors="replace"))
        result = import_document(
            actor,
            data,
            defaults=_defaults(actor, pending),
            format=pending["format"],
            override=pending["override"],
            name=pending["name"],
        )
    except InvalidInput as exc:
        messages.error(request, describe(exc))
        return redirect("exchange:import")
    finally:
        for leftover in path.parent.glob(f"{path.name}*"):
            leftover.unlink(missing_ok=True)
    messages.success(
        request,
        _("%(created)d reports created, %(updated)d updated.")
        % {"created": result.created, "updated": result.updated},
    )
    first = result.submissions[0].report if result.submissions else None
    return redirect("intel:report", reference=first.reference) if first else redirect("intel:reports")


@login_required
def export_report(request: HttpRequest, reference: str, format: str) -> HttpResponse:
    actor = actor_of(request)
    return export_reports(actor, [access.get_report_for(actor, reference)], format).as_response()


@login_required
@require_POST
def export_many(request: HttpRequest) -> HttpResponse:
    """Several reports as one file: what a lookup found, or a page of the report list."""
    actor = actor_of(request)
    references = list(dict.fromkeys(request.POST.getlist("references")))[:1000]
    if not references:
        raise InvalidInput(_("Choose the reports to export."), fields={"references": []})
    reports = [access.get_report_for(actor, reference) for reference in references]
    return export_reports(actor, reports, request.POST.get("format", "stix")).as_response()


@login_required
def sources(request: HttpRequest) -> HttpResponse:
    actor = actor_of(request)
    rows = sources_for(actor).prefetch_related("pulls")
    return render(request, "exchange/sources.html", {"sources": rows})


@login_required
def source_edit(request: HttpRequest, name: str | None = None) -> HttpResponse:
    actor = actor_of(request)
    source = get_source_for(actor, name) if name else None
    if source is None:
        sources_for(actor)  # the permission check, before showing an empty form
    form = SourceForm(request.POST or None, instance=source, agency=actor.agency)
    if request.method == "POST" and form.is_valid():
        fields = {key: form.cleaned_data[key] for key in form.Meta.fields}
        fields["mapping"] = form.cleaned_data["columns"]
        try:
            saved = save_source(
                actor,
                fields,
                source=get_source_for(actor, name) if name else None,
                secret=form.cleaned_data["secret"] or None,
            )
        except InvalidInput as exc:
            for field, problems in exc.fields.items():
                form.add_error(field if field in form.fields else None, problems)
        else:
            messages.success(request, _("Source %(name)s saved.") % {"name": saved.name})
            return redirect("exchange:sources")
    return render(request, "exchange/source_form.html", {"form": form, "source": source})


@login_required
@require_POST
def source_delete(request: HttpRequest, name: str) -> HttpResponse:
    actor = actor_of(request)
    delete_source(actor, get_source_for(actor, name))
    messages.success(request, _("Source %(name)s removed; what it brought stays.") % {"name": name})
    return redirect("exchange:sources")


@login_required
@require_POST
def source_pull(request: HttpRequest, name: str) -> HttpResponse:
    source = get_source_for(actor_of(request), name)
    if queue_pull(source) is None:
        messages.info(request, _("A pull of %(name)s is already queued or running.") % {"name": source.name})
    else:
        messages.success(request, _("A pull of %(name)s is queued.") % {"name": source.name})
    return redirect("exchange:sources")
