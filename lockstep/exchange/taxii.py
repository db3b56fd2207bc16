"""The TAXII 2.1 server under /taxii2/: discovery, one API root, collections (= audiences), objects, manifest,
versions, status. HTTP Basic (user name + API token) or Bearer; TAXII media types; TAXII error bodies."""

from __future__ import annotations

import base64
import binascii
import datetime
import json
import uuid
from collections.abc import Callable
from functools import wraps
from typing import Any

from django.conf import settings
from django.db.models import Exists, OuterRef, QuerySet
from django.http import HttpRequest, HttpResponse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.csrf import csrf_exempt

from lockstep.accounts.services import authenticate_token
from lockstep.audit.services import record
from lockstep.directory.models import User
from lockstep.errors import InvalidInput, LockstepError, NotAuthenticated, NotFound, PermissionDenied
from lockstep.exchange import taxii_store
from lockstep.exchange.collections import Collection, collection_for, collections_for
from lockstep.exchange.models import TaxiiObject, TaxiiStatus
from lockstep.exchange.services import delete_taxii_object, import_stix
from lockstep.exchange.stixmap import parse_time, stix_time
from lockstep.policy.audience import MarkingSpec
from lockstep.policy.rules import is_operational

TAXII = "application/taxii+json;version=2.1"
ROOT = "lockstep"
MAX_LIMIT = 1000
DEFAULT_LIMIT = 100
View = Callable[..., HttpResponse]


class TaxiiError(LockstepError):
    """A TAXII-level refusal (media type, size) with its HTTP status."""

    def __init__(self, status: int, message: str) -> None:
        super().__init__(message)
        self.status = status


def respond(data: Any, status: int = 200, headers: dict[str, str] | None = None) -> HttpResponse:
    response = HttpResponse(json.dumps(data), status=status, content_type=TAXII)
    for name, value in (headers or {}).items():
        response[name] = value
    return response


def error(
    status: int, title: str, description: str = "", details: dict[str, Any] | None = None
) -> HttpResponse:
    body: dict[str, Any] = {"title": title, "http_status": str(status)}
    if description:
        body["description"] = description
    if details:
        body["details"] = details
    response = respond(body, status)
    if status == 401:
        response["WWW-Authenticate"] = 'Basic realm="lockstep-taxii", Bearer realm="lockstep-taxii"'
    return response


def _acceptable(header: str) -> bool:
    if not header.strip():
        return True
    for item in header.split(","):
        kind, *params = [part.strip().lower() for part in item.split(";")]
        version = next((p.split("=", 1)[1] for p in params if p.startswith("version=")), "2.1")
        if kind in ("*/*", "application/*", "application/taxii+json") and version == "2.1":
            return True
    return False


def _authenticate(request: HttpRequest) -> User:
    scheme, _sep, value = request.META.get("HTTP_AUTHORIZATION", "").partition(" ")
    username = None
    if scheme.lower() == "basic":
        try:
            username, _colon, token = base64.b64decode(value.strip()).decode().partition(":")
        except (binascii.Error, UnicodeDecodeError):
            raise NotAuthenticated(_("The Basic credentials cannot be read.")) from None
    elif scheme.lower() == "bearer":
        token = value.strip()
    else:
        raise NotAuthenticated(_("Authenticate with HTTP Basic (user name and API token) or a Bearer token."))
    user = authenticate_token(token, request.method or "GET", request.path)
    if username is not None and username != user.username:
        raise NotAuthenticated(_("The API token is not valid (unknown, expired or revoked)."))
    return user


def taxii_view(view: View) -> View:
    """Authentication, content negotiation and TAXII error bodies around a view."""

    @csrf_exempt
    @wraps(view)
    def run(request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
        try:
            actor = _authenticate(request)
            if not _acceptable(request.META.get("HTTP_ACCEPT", "")):
                raise TaxiiError(406, _("This server answers %(type)s.") % {"type": TAXII})
            return view(request, actor, *args, **kwargs)
        except TaxiiError as exc:
            return error(exc.status, exc.message)
        except NotFound:
            return error(404, _("Not found."), _("No such resource, or not one you may see."))
        except LockstepError as exc:
            return error(exc.status, exc.message, details={"fields": exc.fields} if exc.fields else None)

    return run


def _collection(actor: User, collection_id: str, *, write: bool = False) -> Collection:
    collection = collection_for(actor, collection_id)
    if collection is None:
        raise NotFound()
    if write and not collection.can_write:
        raise PermissionDenied(_("You may not add objects to this collection."))
    return collection


def _describe(collection: Collection) -> dict[str, Any]:
    return {
        "id": collection.id,
        "title": collection.title,
        "description": collection.description,
        "can_read": collection.can_read,
        "can_write": collection.can_write,
        "media_types": ["application/stix+json;version=2.1"],
    }


# --- discovery, API root, collections ---------------------------------------------------------------------


@taxii_view
def discovery(request: HttpRequest, actor: User) -> HttpResponse:
    root = request.build_absolute_uri(f"/taxii2/{ROOT}/")
    return respond(
        {
            "title": "Lockstep TAXII 2.1",
            "description": _("Cross-border cybercrime intelligence, under each record's handling rules."),
            "default": root,
            "api_roots": [root],
        }
    )


@taxii_view
def api_root(request: HttpRequest, actor: User) -> HttpResponse:
    return respond(
        {
            "title": "Lockstep",
            "versions": [TAXII],
            "max_content_length": settings.LOCKSTEP_TAXII_MAX_CONTENT_LENGTH,
        }
    )


@taxii_view
def collections(request: HttpRequest, actor: User) -> HttpResponse:
    found = collections_for(actor)
    return respond({"collections": [_describe(c) for c in found]} if found else {})


@taxii_view
def collection(request: HttpRequest, actor: User, collection_id: str) -> HttpResponse:
    return respond(_describe(_collection(actor, collection_id)))


@taxii_view
def status(request: HttpRequest, actor: User, status_id: uuid.UUID) -> HttpResponse:
    found = TaxiiStatus.objects.filter(pk=status_id, agency=actor.agency).first()
    if found is None or not is_operational(actor):
        raise NotFound()
    return respond(found.body)


# --- filters and pages ------------------------------------------------------------------------------------


def _timestamp(value: str, name: str) -> datetime.datetime:
    parsed = parse_time(value)
    if parsed is None or parsed.tzinfo is None:
        raise InvalidInput(_("%(name)s is not a timestamp such as 2026-01-31T12:00:00Z.") % {"name": name})
    return parsed


def _filtered(
    request: HttpRequest, rows: QuerySet[TaxiiObject], *, versions: bool = True
) -> QuerySet[TaxiiObject]:
    query = request.GET
    if query.get("added_after"):
        rows = rows.filter(date_added__gt=_timestamp(query["added_after"], "added_after"))
    for name, field in (
        ("match[id]", "stix_id"),
        ("match[type]", "stix_type"),
        ("match[spec_version]", "spec_version"),
    ):
        if query.get(name):
            rows = rows.filter(**{f"{field}__in": [part.strip() for part in query[name].split(",")]})
    wanted = (
        [part.strip() for part in query.get("match[version]", "last").split(",")] if versions else ["all"]
    )
    if "all" in wanted:
        return rows
    if wanted in (["last"], ["first"]):
        lookup = "version__gt" if wanted == ["last"] else "version__lt"
        other = rows.filter(stix_id=OuterRef("stix_id"), **{lookup: OuterRef("version")})
        return rows.filter(~Exists(other))
    return rows.filter(version__in=[_timestamp(part, "match[version]") for part in wanted])


def _page(request: HttpRequest, rows: QuerySet[TaxiiObject]) -> taxii_store.Page:
    try:
        limit = int(request.GET.get("limit", DEFAULT_LIMIT))
    except ValueError:
        raise InvalidInput(_("limit is a whole number.")) from None
    if limit < 1:
        raise InvalidInput(_("limit is a whole number.")) from None
    after = None
    if request.GET.get("next"):
        after = taxii_store.decode_cursor(request.GET["next"])
        if after is None:
            raise InvalidInput(_("next is not a value this server gave."))
    return taxii_store.page(rows, min(limit, MAX_LIMIT), after)


def _headers(page: taxii_store.Page) -> dict[str, str]:
    if not page.rows:
        return {}
    return {
        "X-TAXII-Date-Added-First": taxii_store.taxii_time(page.rows[0].date_added),
        "X-TAXII-Date-Added-Last": taxii_store.taxii_time(page.rows[-1].date_added),
    }


def _envelope(page: taxii_store.Page, key: str, items: list[Any]) -> dict[str, Any]:
    body: dict[str, Any] = {"more": page.more}
    if page.next:
        body["next"] = page.next
    if items:
        body[key] = items
    return body


def _read(actor: User, collection: Collection, page: taxii_store.Page, what: str) -> None:
    record(actor, "taxii.read", None, collection=collection.key, what=what, count=len(page.rows))


# --- objects ----------------------------------------------------------------------------------------------


@taxii_view
def objects(request: HttpRequest, actor: User, collection_id: str) -> HttpResponse:
    if request.method == "POST":
        return _add(request, actor, _collection(actor, collection_id, write=True))
    if request.method != "GET":
        return error(405, _("Method not allowed."))
    found = _collection(actor, collection_id)
    page = _page(request, _filtered(request, taxii_store.readable(actor, found)))
    _read(actor, found, page, "objects")
    return respond(_envelope(page, "objects", taxii_store.render(page.rows)), headers=_headers(page))


@taxii_view
def manifest(request: HttpRequest, actor: User, collection_id: str) -> HttpResponse:
    found = _collection(actor, collection_id)
    page = _page(request, _filtered(request, taxii_store.readable(actor, found)))
    _read(actor, found, page, "manifest")
    items = [
        {
            "id": row.stix_id,
            "date_added": taxii_store.taxii_time(row.date_added),
            "version": stix_time(row.version),
            "media_type": taxii_store.media_type(row),
        }
        for row in page.rows
    ]
    return respond(_envelope(page, "objects", items), headers=_headers(page))


@taxii_view
def object_by_id(request: HttpRequest, actor: User, collection_id: str, object_id: str) -> HttpResponse:
    found = _collection(actor, collection_id)
    rows = taxii_store.readable(actor, found).filter(stix_id=object_id)
    if request.method == "DELETE":
        delete_taxii_object(actor, _filtered(request, rows), object_id)
        return respond({}, headers={})
    if request.method != "GET":
        return error(405, _("Method not allowed."))
    page = _page(request, _filtered(request, rows))
    if not page.rows:
        raise NotFound()
    _read(actor, found, page, "object")
    return respond(_envelope(page, "objects", taxii_store.render(page.rows)), headers=_headers(page))


@taxii_view
def versions(request: HttpRequest, actor: User, collection_id: str, object_id: str) -> HttpResponse:
    found = _collection(actor, collection_id)
    rows = _filtered(request, taxii_store.readable(actor, found).filter(stix_id=object_id), versions=False)
    page = _page(request, rows)
    if not page.rows:
        raise NotFound()
    _read(actor, found, page, "versions")
    return respond(
        _envelope(page, "versions", [stix_time(row.version) for row in page.rows]), headers=_headers(page)
    )


def _body(request: HttpRequest) -> Any:
    kind = request.META.get("CONTENT_TYPE", "").split(";")[0].strip().lower()
    version = request.META.get("CONTENT_TYPE", "").lower().replace(" ", "")
    if kind != "application/taxii+json" or ("version=" in version and "version=2.1" not in version):
        raise TaxiiError(415, _("Send %(type)s.") % {"type": TAXII})
    limit = settings.LOCKSTEP_TAXII_MAX_CONTENT_LENGTH
    try:
        declared = int(request.META.get("CONTENT_LENGTH") or 0)
    except ValueError:
        declared = 0
    data = request.read(limit + 1)
    if declared > limit or len(data) > limit:
        raise TaxiiError(413, _("The body is over max_content_length (%(max)d bytes).") % {"max": limit})
    try:
        return json.loads(data)
    except (json.JSONDecodeError, UnicodeDecodeError) as exc:
        raise InvalidInput(_("The body is not JSON: %(reason)s") % {"reason": exc}) from None


def _add(request: HttpRequest, actor: User, collection: Collection) -> HttpResponse:
    envelope = _body(request)
    if (
        not isinstance(envelope, dict)
        or not isinstance(envelope.get("objects"), list)
        or not envelope["objects"]
    ):
        raise InvalidInput(_("Send an envelope: an object with a non-empty list 'objects'."))
    objects_in = envelope["objects"]
    started = timezone.now()
    bundle = {"type": "bundle", "id": f"bundle--{uuid.uuid4()}", "objects": objects_in}
    defaults = MarkingSpec(owner=actor.agency)  # the collection sets the audience (import_stix)
    successes: list[dict[str, Any]] = []
    failures: list[dict[str, Any]] = []
    try:
        import_stix(actor, bundle, defaults=defaults, name=_("a TAXII envelope"), collection=collection)
    except InvalidInput as exc:
        named = {key.removeprefix("objects."): messages for key, messages in exc.fields.items()}
        for obj in objects_in:
            key = obj.get("id", "") if isinstance(obj, dict) else ""
            reason = "; ".join(named.get(key, [])) or exc.message
            failures.append(
                {
                    "id": key,
                    "version": str(obj.get("modified", "")) if isinstance(obj, dict) else "",
                    "message": reason,
                }
            )
    else:
        for obj in objects_in:
            version = obj.get("modified") or obj.get("created") or stix_time(started)
            successes.append({"id": obj["id"], "version": version})
    status_id = uuid.uuid4()
    body = {
        "id": str(status_id),
        "status": "complete",
        "request_timestamp": stix_time(started),
        "total_count": len(objects_in),
        "success_count": len(successes),
        "successes": successes,
        "failure_count": len(failures),
        "failures": failures,
        "pending_count": 0,
        "pendings": [],
    }
    TaxiiStatus.objects.create(id=status_id, agency=actor.agency, body=body)
    return respond(body, status=202)
