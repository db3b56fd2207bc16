"""The authorization matrix: every URL route and API operation x persona -> expected status, run against the
real app. A route or operation that is not in the table fails `test_every_route_and_operation_is_in_the_matrix`,
so each new endpoint must be added here with its outsider case."""

from __future__ import annotations

import base64
import io
import json
import uuid
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

import pytest
from django.contrib import admin
from django.db import transaction
from django.test import Client
from django.urls import URLPattern, URLResolver, get_resolver, reverse

from conftest import World, verified_client
from lockstep.accounts.services import create_token
from lockstep.alerts.services import notify_user
from lockstep.directory import services as directory_services
from lockstep.directory.tests.factories import UserFactory
from lockstep.exchange.models import TaxiiObject, TaxiiStatus
from lockstep.exchange.source_services import save_source
from lockstep.exchange.stixmap import NAMESPACE
from lockstep.intel.models import Hit
from lockstep.intel.services import request_follow_up
from lockstep.intel.tests.helpers import submit
from lockstep.notices import services as notice_services
from lockstep.operations import services as operation_services

PERSONAS = [
    "anonymous",
    "owner",
    "colleague",
    "outsider",
    "reviewer",
    "partner",
    "admin",
    "gs_admin",
    "auditor",
]


@dataclass
class Objects:
    world: World
    token_id: int
    notification_id: int
    contact_id: int
    reference: str = ""  # NCB-KE's report, TLP:AMBER to all members
    hit_id: int = 0  # NCB-KE's hit against NCB-NG's report
    follow_up_id: int = 0  # NCB-NG's request to NCB-KE
    indicator: str = ""  # the TAXII indicator of NCB-KE's report, in the members collection
    status_id: str = ""  # a TAXII status of NCB-KE
    pending: str = ""  # the partner's report awaiting GS validation
    source: str = ""  # NCB-KE's partner source
    notices: dict[str, str] = field(default_factory=dict)  # NCB-KE's notices by state: draft, awaiting, ...
    operation: str = ""  # an operation led by the GS, with NCB-KE participating and P-TEST invited
    target_id: int = 0  # a target of that operation
    task_id: int = 0  # a task on it, given to NCB-KE


@dataclass
class Row:
    key: str  # "route:<namespace:name>" or "api:<METHOD> <path>"
    method: str
    expect: dict[str, int]  # persona -> status; "*" = every signed-in persona not named
    url: Callable[[Objects], str]
    data: dict[str, Any] | Callable[[Objects], dict[str, Any]] = field(default_factory=dict)
    token: bool = False  # authenticates with an API token (TAXII), not the session

    def status_for(self, persona: str) -> int:
        if persona in self.expect:
            return self.expect[persona]
        assert persona != "anonymous", f"{self.key}: say what anonymous gets"
        return self.expect["*"]


def page(
    name: str,
    method: str,
    expect: dict[str, int],
    kwargs: Callable[[Objects], dict[str, Any]] | None = None,
    data: dict[str, Any] | Callable[[Objects], dict[str, Any]] | None = None,
) -> Row:
    return Row(
        f"route:{name}",
        method,
        expect,
        lambda o: reverse(name, kwargs=kwargs(o) if kwargs else None),
        data or {},
    )


def op(
    method: str,
    path: str,
    expect: dict[str, int],
    fill: Callable[[Objects], dict[str, Any]] | None = None,
    data: dict[str, Any] | Callable[[Objects], dict[str, Any]] | None = None,
) -> Row:
    return Row(
        f"api:{method} /api/v1{path}",
        method,
        {"anonymous": 401, **expect},
        lambda o: "/api/v1" + path.format(**(fill(o) if fill else {})),
        data or {},
    )


def taxii(
    name: str,
    method: str,
    expect: dict[str, int],
    kwargs: Callable[[Objects], dict[str, Any]] | None = None,
    data: dict[str, Any] | None = None,
) -> Row:
    """A TAXII route: token authentication (Bearer), TAXII media types."""
    row = page(name, method, {"anonymous": 401, **expect}, kwargs, data)
    row.token = True
    return row


def MEMBERS_COLLECTION(o: Objects) -> dict[str, Any]:
    return {"collection_id": str(uuid.uuid5(NAMESPACE, "collection|members"))}


def TAXII_INDICATOR(o: Objects) -> dict[str, Any]:
    return {**MEMBERS_COLLECTION(o), "object_id": o.indicator}


TAXII_MEMBERS = {"*": 200, "partner": 404, "admin": 404, "gs_admin": 404, "auditor": 404}

SIGN_IN = {"anonymous": 302}


def PENDING(o: Objects) -> dict[str, Any]:
    return {"reference": o.pending}


VALIDATORS = {**SIGN_IN, "*": 403, "reviewer": 200}
GRADING = {"source_reliability": "B", "info_credibility": "2"}
MANAGERS_ONLY_403 = {**SIGN_IN, "*": 403, "admin": 200, "gs_admin": 200}
KE_CONTACT_WRITE = {**SIGN_IN, "*": 404, "admin": 200, "gs_admin": 200}
OWNER_USER_ADMIN = {**SIGN_IN, "*": 404, "admin": 302, "gs_admin": 302}
AUDIT = {**SIGN_IN, "*": 403, "admin": 200, "gs_admin": 200, "auditor": 200}
TOKEN = {"pk": lambda o: o.token_id}
NOT_OPERATIONAL_403 = {"admin": 403, "gs_admin": 403, "auditor": 403}
NOT_OPERATIONAL_404 = {"admin": 404, "gs_admin": 404, "auditor": 404}
KE_OPERATIONAL_ONLY = {**SIGN_IN, "*": 404, "owner": 200, "colleague": 200}
KE_API = {"*": 404, "owner": 200, "colleague": 200}


SOURCE_MANAGERS = {**SIGN_IN, "*": 403, "admin": 200, "gs_admin": 200, "reviewer": 200, "partner": 200}
OTHER_MANAGERS_404 = {"gs_admin": 404, "reviewer": 404, "partner": 404}


def SOURCE(o: Objects) -> dict[str, Any]:
    return {"name": o.source}


def REPORT(o: Objects) -> dict[str, Any]:
    return {"reference": o.reference}


def HIT(o: Objects) -> dict[str, Any]:
    return {"pk": o.hit_id}


def HIT_OP(o: Objects) -> dict[str, Any]:
    return {"hit_id": o.hit_id}


def FOLLOW_UP(o: Objects) -> dict[str, Any]:
    return {"pk": o.follow_up_id}


def FOLLOW_UP_OP(o: Objects) -> dict[str, Any]:
    return {"follow_up_id": o.follow_up_id}


MATRIX_INDICATOR = {
    "type": "indicator",
    "spec_version": "2.1",
    "id": "indicator--6c1d7a4e-2b1f-4b0e-9a3e-5f2d8c7b6a11",
    "created": "2026-11-20T10:00:00.000Z",
    "modified": "2026-11-20T10:00:00.000Z",
    "pattern": "[domain-name:value = 'matrix-stix.net']",
    "pattern_type": "stix",
    "valid_from": "2026-11-20T10:00:00Z",
}
MATRIX_BUNDLE = {
    "type": "bundle",
    "id": "bundle--0f6f3f0e-8f8e-4a43-9d8c-1f3f6f2b7a10",
    "objects": [MATRIX_INDICATOR],
}

MATRIX_EVENT = {
    "Event": {
        "uuid": "0f6f3f0e-8f8e-4a43-9d8c-1f3f6f2b7a11",
        "info": "matrix event",
        "Attribute": [{"type": "domain", "value": "matrix-misp.net"}],
    }
}


def NOTICE(state: str) -> Callable[[Objects], dict[str, Any]]:
    return lambda o: {"reference": o.notices[state]}


def OPERATION(o: Objects) -> dict[str, Any]:
    return {"code_name": o.operation}


OPERATION_SEEN = {"*": 200, "outsider": 404, "admin": 404, "gs_admin": 404, "auditor": 404}
OPERATION_PAGE = {**SIGN_IN, "*": 200, "outsider": 404, "admin": 403, "gs_admin": 403, "auditor": 403}


def PHOTO(o: Objects) -> dict[str, Any]:
    return {"reference": o.notices["published"], "subject": o.notices["photo"]}


def _png() -> str:
    from PIL import Image

    out = io.BytesIO()
    Image.new("RGB", (8, 8), "gray").save(out, format="PNG")
    return base64.b64encode(out.getvalue()).decode()


PURPLE_DETAILS = {"modus_operandi": "token approval scam", "prevention": "revoke allowances"}
ALL_CHECKS = {"checks": dict.fromkeys(("neutrality", "human_rights", "data_quality", "eligibility"), True)}
NOT_VISIBLE_404 = {"partner": 404, "admin": 404, "gs_admin": 404, "auditor": 404}

ROWS: list[Row] = [
    # --- HTML pages ---------------------------------------------------------------------------------------
    page("web:dashboard", "get", {**SIGN_IN, "*": 200}),
    page("web:healthz", "get", {"anonymous": 200, "*": 200}),
    page("set_language", "post", {"anonymous": 302, "*": 302}, data={"language": "fr", "next": "/"}),
    page("accounts:login", "get", {"anonymous": 200, "*": 302}),
    page("accounts:logout", "post", {"anonymous": 302, "*": 302}),
    page("accounts:verify", "get", {**SIGN_IN, "*": 200}),
    page("accounts:enroll", "get", {**SIGN_IN, "*": 302}),  # signed-in personas already have a device
    page("accounts:password", "get", {**SIGN_IN, "*": 200}),
    page("accounts:tokens", "get", {**SIGN_IN, "*": 200}),
    page(
        "accounts:revoke-token",
        "post",
        {**SIGN_IN, "*": 404, "owner": 302, "admin": 302, "gs_admin": 302},
        lambda o: {"pk": o.token_id},
    ),
    page("directory:countries", "get", {**SIGN_IN, "*": 200}),
    page("directory:agencies", "get", {**SIGN_IN, "*": 200}),
    page("directory:agency", "get", {**SIGN_IN, "*": 200, "partner": 404}, lambda o: {"code": "NCB-KE"}),
    page("directory:contact-points", "get", {**SIGN_IN, "*": 200, "partner": 403}),
    page(
        "directory:contact-point-new",
        "get",
        {**MANAGERS_ONLY_403, "partner": 404},
        lambda o: {"code": "NCB-KE"},
    ),
    page("directory:contact-point-edit", "get", KE_CONTACT_WRITE, lambda o: {"pk": o.contact_id}),
    page(
        "directory:contact-point-delete",
        "post",
        {**KE_CONTACT_WRITE, "admin": 302, "gs_admin": 302},
        lambda o: {"pk": o.contact_id},
    ),
    page("directory:users", "get", MANAGERS_ONLY_403),
    page("directory:user-new", "get", MANAGERS_ONLY_403),
    page(
        "directory:user",
        "get",
        {**SIGN_IN, "*": 404, "admin": 200, "gs_admin": 200},
        lambda o: {"pk": o.world.owner.pk},
    ),
    page(
        "directory:user-active", "post", OWNER_USER_ADMIN, lambda o: {"pk": o.world.owner.pk}, {"active": "0"}
    ),
    page("directory:user-reset-second-factor", "post", OWNER_USER_ADMIN, lambda o: {"pk": o.world.owner.pk}),
    page("alerts:inbox", "get", {**SIGN_IN, "*": 200}),
    page("alerts:read", "post", {**SIGN_IN, "*": 404, "owner": 302}, lambda o: {"pk": o.notification_id}),
    page("alerts:read-all", "post", {**SIGN_IN, "*": 302}),
    page("audit:events", "get", AUDIT),
    page("audit:export", "get", AUDIT),
    page("api:openapi-json", "get", {"anonymous": 200, "*": 200}),
    # intel pages: operational roles; the report is NCB-KE's, TLP:AMBER to members; the hit is NCB-KE's
    page("intel:reports", "get", {**SIGN_IN, **NOT_OPERATIONAL_403, "*": 200}),
    page("intel:report-new", "get", {**SIGN_IN, **NOT_OPERATIONAL_403, "*": 200}),
    page(
        "intel:preview-recipients",
        "post",
        {**SIGN_IN, **NOT_OPERATIONAL_403, "*": 200},
        data={"tlp": "green", "audience": "members", "source_reliability": "F", "info_credibility": "6"},
    ),
    page("intel:report", "get", {**SIGN_IN, "*": 200, "partner": 404, **NOT_OPERATIONAL_404}, REPORT),
    page("intel:report-edit", "get", KE_OPERATIONAL_ONLY, REPORT),
    page(
        "intel:report-withdraw",
        "post",
        {**KE_OPERATIONAL_ONLY, "owner": 302, "colleague": 302},
        REPORT,
        {"reason": "matrix"},
    ),
    page("intel:hits", "get", {**SIGN_IN, **NOT_OPERATIONAL_403, "*": 200}),
    page("intel:hit", "get", KE_OPERATIONAL_ONLY, HIT),
    page(
        "intel:hit-state",
        "post",
        {**KE_OPERATIONAL_ONLY, "owner": 302, "colleague": 302},
        HIT,
        {"state": "acknowledged"},
    ),
    page(
        "intel:hit-follow-up",
        "post",
        {**KE_OPERATIONAL_ONLY, "owner": 302, "colleague": 302},
        HIT,
        {"message": "more?"},
    ),
    page("intel:follow-ups", "get", {**SIGN_IN, **NOT_OPERATIONAL_403, "*": 200}),
    page(
        "intel:follow-up-answer",
        "post",
        {**KE_OPERATIONAL_ONLY, "owner": 302, "colleague": 302},
        FOLLOW_UP,
        {"answer": "here"},
    ),
    page("intel:lookup", "get", {**SIGN_IN, **NOT_OPERATIONAL_403, "*": 200}),
    # --- API operations -----------------------------------------------------------------------------------
    op("GET", "/me", {"*": 200}),
    op("GET", "/countries", {"*": 200}),
    op("GET", "/countries/{code}", {"*": 200}, lambda o: {"code": "KE"}),
    op("GET", "/agencies", {"*": 200}),
    op("GET", "/agencies/{code}", {"*": 200, "partner": 404}, lambda o: {"code": "NCB-KE"}),
    op("GET", "/contact-points", {"*": 200, "partner": 403}),
    op("GET", "/tokens", {"*": 200}),
    op("POST", "/tokens", {"*": 201}, data={"name": "matrix", "scope": "read", "days": 3}),
    op(
        "DELETE",
        "/tokens/{token_id}",
        {"*": 404, "owner": 200, "admin": 200, "gs_admin": 200},
        lambda o: {"token_id": o.token_id},
    ),
    op("GET", "/alerts", {"*": 200}),
    op(
        "POST",
        "/alerts/{notification_id}/read",
        {"*": 404, "owner": 200},
        lambda o: {"notification_id": o.notification_id},
    ),
    op("POST", "/alerts/read-all", {"*": 200}),
    op("GET", "/audit/events", {"*": 403, "admin": 200, "gs_admin": 200, "auditor": 200}),
    op(
        "POST",
        "/policy/preview-recipients",
        {"*": 200, "admin": 403, "gs_admin": 403, "auditor": 403},
        data={"tlp": "green", "audience": "members"},
    ),
    op(
        "POST",
        "/reports",
        {"*": 201, **NOT_OPERATIONAL_403},
        data={"title": "m", "crime_type": "phishing", "marking": {"audience": "owner"}, "observables": []},
    ),
    op("GET", "/reports", {"*": 200}),
    op("GET", "/reports/{reference}", {"*": 200, "partner": 404, **NOT_OPERATIONAL_404}, REPORT),
    op("PATCH", "/reports/{reference}", KE_API, REPORT, data={"title": "renamed"}),
    op("POST", "/reports/{reference}/withdraw", KE_API, REPORT, data={"reason": "matrix"}),
    op("GET", "/reports/{reference}/observables", {"*": 200, "partner": 404, **NOT_OPERATIONAL_404}, REPORT),
    op(
        "POST",
        "/reports/{reference}/observables",
        KE_API,
        REPORT,
        data={"observables": [{"type": "domain", "value": "another.net"}]},
    ),
    op("GET", "/hits", {"*": 200}),
    op("POST", "/hits/{hit_id}/state", KE_API, HIT_OP, data={"state": "closed"}),
    op(
        "POST",
        "/hits/{hit_id}/follow-ups",
        {**KE_API, "owner": 201, "colleague": 201},
        HIT_OP,
        data={"message": "more?"},
    ),
    op("GET", "/follow-ups", {"*": 200}),
    op("POST", "/follow-ups/{follow_up_id}/answer", KE_API, FOLLOW_UP_OP, data={"answer": "here"}),
    op("GET", "/lookup", {"*": 200, **NOT_OPERATIONAL_403}, data={"value": "matrix-shared.net"}),
    op(
        "POST",
        "/lookup",
        {"*": 200, **NOT_OPERATIONAL_403},
        data={"values": [{"value": "matrix-shared.net"}]},
    ),
    op("POST", "/extract", {"*": 200}, data={"text": "see evil-domain.net"}),
    # exchange: members import as their own agency (partners wait for GS validation); export what one may see
    taxii("taxii:discovery", "get", {"*": 200}),
    taxii("taxii:api-root", "get", {"*": 200}),
    taxii("taxii:collections", "get", {"*": 200}),
    taxii("taxii:collection", "get", TAXII_MEMBERS, MEMBERS_COLLECTION),
    taxii("taxii:manifest", "get", TAXII_MEMBERS, MEMBERS_COLLECTION),
    taxii("taxii:objects", "get", TAXII_MEMBERS, MEMBERS_COLLECTION),
    taxii(
        "taxii:objects",
        "post",
        {**TAXII_MEMBERS, "*": 202},
        MEMBERS_COLLECTION,
        {"objects": [MATRIX_INDICATOR]},
    ),
    taxii("taxii:object", "get", TAXII_MEMBERS, TAXII_INDICATOR),
    taxii(
        "taxii:object", "delete", {**TAXII_MEMBERS, "*": 403, "owner": 200, "colleague": 200}, TAXII_INDICATOR
    ),
    taxii("taxii:versions", "get", TAXII_MEMBERS, TAXII_INDICATOR),
    taxii(
        "taxii:status",
        "get",
        {"*": 404, "owner": 200, "colleague": 200},
        lambda o: {"status_id": o.status_id},
    ),
    op("POST", "/exchange/stix", {"*": 201, **NOT_OPERATIONAL_403}, data=MATRIX_BUNDLE),
    # the GS validation queue of partner data: GS reviewers (and analysts) only
    page("exchange:queue", "get", VALIDATORS),
    page("exchange:pending", "get", VALIDATORS, PENDING),
    page("exchange:accept", "post", {**VALIDATORS, "reviewer": 302}, PENDING, GRADING),
    page("exchange:reject", "post", {**VALIDATORS, "reviewer": 302}, PENDING, {"reason": "matrix"}),
    op("GET", "/exchange/validation", {"*": 403, "reviewer": 200}),
    op("POST", "/exchange/validation/{reference}/accept", {"*": 404, "reviewer": 200}, PENDING, GRADING),
    op(
        "POST",
        "/exchange/validation/{reference}/reject",
        {"*": 404, "reviewer": 200},
        PENDING,
        {"reason": "m"},
    ),
    op("POST", "/exchange/misp", {"*": 201, **NOT_OPERATIONAL_403}, data=MATRIX_EVENT),
    page("exchange:import", "get", {**SIGN_IN, **NOT_OPERATIONAL_403, "*": 200}),
    page("exchange:import-confirm", "post", {**SIGN_IN, **NOT_OPERATIONAL_403, "*": 302}),
    page(
        "exchange:export",
        "get",
        {**SIGN_IN, "*": 200, "partner": 404, **NOT_OPERATIONAL_404},
        lambda o: {"reference": o.reference, "format": "misp"},
    ),
    page(
        "exchange:export-many",
        "post",
        {**SIGN_IN, "*": 200, "partner": 404, **NOT_OPERATIONAL_404},
        data=lambda o: {"references": [o.reference], "format": "csv"},
    ),
    page("exchange:sources", "get", SOURCE_MANAGERS),
    page("exchange:source-new", "get", SOURCE_MANAGERS),
    page("exchange:source-edit", "get", {**SOURCE_MANAGERS, **OTHER_MANAGERS_404}, SOURCE),
    page("exchange:source-pull", "post", {**SOURCE_MANAGERS, **OTHER_MANAGERS_404, "admin": 302}, SOURCE),
    page("exchange:source-delete", "post", {**SOURCE_MANAGERS, **OTHER_MANAGERS_404, "admin": 302}, SOURCE),
    # notices: requested by member agencies, reviewed by the GS; drafts stay with the requesting agency
    page("notices:public", "get", {"anonymous": 200, "*": 200}),
    page("notices:list", "get", {**SIGN_IN, **NOT_OPERATIONAL_403, "*": 200}),
    page(
        "notices:new",
        "get",
        {**SIGN_IN, **NOT_OPERATIONAL_403, "partner": 403, "*": 200},
        lambda o: {"type": "red"},
    ),
    page("notices:queue", "get", {**SIGN_IN, "*": 403, "reviewer": 200}),
    page(
        "notices:detail",
        "get",
        {**SIGN_IN, **NOT_OPERATIONAL_403, "partner": 404, "*": 200},
        NOTICE("published"),
    ),
    page(
        "notices:action",
        "post",
        {**SIGN_IN, **NOT_OPERATIONAL_403, "*": 404, "owner": 302, "colleague": 302},
        lambda o: {"reference": o.notices["draft"], "action": "ask"},
    ),
    page(
        "notices:pdf",
        "get",
        {**SIGN_IN, **NOT_OPERATIONAL_403, "partner": 404, "*": 200},
        NOTICE("published"),
    ),
    page("notices:photo", "get", {**SIGN_IN, **NOT_OPERATIONAL_403, "partner": 404, "*": 200}, PHOTO),
    page("operations:list", "get", {**SIGN_IN, **NOT_OPERATIONAL_403, "*": 200}),
    page("operations:new", "get", {**SIGN_IN, "*": 403}),
    page("operations:detail", "get", OPERATION_PAGE, OPERATION),
    page("operations:infrastructure", "get", OPERATION_PAGE, OPERATION),
    page("operations:targets", "get", OPERATION_PAGE, OPERATION),
    page("operations:imports", "get", OPERATION_PAGE, OPERATION),
    page(
        "operations:action",
        "post",
        {**OPERATION_PAGE, "owner": 302, "colleague": 302, "reviewer": 302, "partner": 403},
        lambda o: {"code_name": o.operation, "action": "results"},
        {"c_arrests": "2"},
    ),
    page("notices:public-json", "get", {"anonymous": 200, "*": 200}),
    page("notices:public-detail", "get", {"anonymous": 200, "*": 200}, NOTICE("public")),
    op(
        "POST",
        "/notices",
        {"*": 201, "partner": 403, **NOT_OPERATIONAL_403},
        data={"type": "purple", "title": "matrix", "details": PURPLE_DETAILS},
    ),
    op("GET", "/notices", {"*": 200}),
    op("GET", "/notices/review-queue", {"*": 403, "reviewer": 200}),
    op("GET", "/notices/statistics", {"*": 403, "reviewer": 200}),
    op("GET", "/notices/by-name", {"*": 200, **NOT_OPERATIONAL_403}, data={"name": "Ivan Petrov"}),
    op(
        "POST",
        "/notices/screen",
        {"*": 200, **NOT_OPERATIONAL_403},
        data={"queries": [{"qid": "1", "name": "Ivan Petrov", "dob": "1988"}]},
    ),
    op(
        "POST",
        "/notices/{reference}/cancel",
        {"*": 403, **NOT_VISIBLE_404, "reviewer": 200},
        NOTICE("published"),
        {"ground": "other", "text": "non-compliant"},
    ),
    op("GET", "/notices/{reference}", {"*": 200, **NOT_VISIBLE_404}, NOTICE("published")),
    op("GET", "/notices/{reference}/pdf", {"*": 200, **NOT_VISIBLE_404}, NOTICE("published")),
    op("GET", "/notices/{reference}/subjects/{subject}/photo", {"*": 200, **NOT_VISIBLE_404}, PHOTO),
    op(
        "POST",
        "/notices/{reference}/translations",
        {"*": 403, **NOT_VISIBLE_404, "owner": 409, "colleague": 409, "reviewer": 200},
        NOTICE("published"),
        {"language": "fr", "title": "Escroquerie"},
    ),
    op(
        "POST",
        "/notices/{reference}/ask-approval",
        {"*": 404, "owner": 200, "colleague": 200},
        NOTICE("draft"),
    ),
    op(
        "POST", "/notices/{reference}/approve", {"*": 404, "owner": 403, "colleague": 403}, NOTICE("awaiting")
    ),
    op(
        "POST",
        "/notices/{reference}/publish",
        {"*": 404, "owner": 403, "colleague": 403, "reviewer": 200},
        NOTICE("review"),
        ALL_CHECKS,
    ),
    op(
        "POST",
        "/notices/{reference}/refuse",
        {"*": 404, "owner": 403, "colleague": 403, "reviewer": 200},
        NOTICE("review"),
        {"ground": "other", "text": "incomplete"},
    ),
    op(
        "POST",
        "/notices/{reference}/check",
        {"*": 403, **NOT_VISIBLE_404, "reviewer": 200},
        NOTICE("diffusion"),
        {"cancel": False},
    ),
    op(
        "POST",
        "/notices/{reference}/extend",
        {"*": 403, **NOT_VISIBLE_404, "owner": 200, "colleague": 200},
        NOTICE("published"),
        {"reason": "still wanted"},
    ),
    op(
        "POST",
        "/notices/{reference}/withdraw",
        {"*": 403, **NOT_VISIBLE_404, "owner": 200, "colleague": 200},
        NOTICE("published"),
        {"reason": "matrix"},
    ),
    # operations: seen by the participating agencies (GS lead, NCB-KE, the partner P-TEST), run by coordinators
    op("POST", "/operations", {"*": 403}, data={"code_name": "New", "objectives": "x", "crime_focus": "y"}),
    op("GET", "/operations", {"*": 200}),
    op("GET", "/operations/{code_name}", OPERATION_SEEN, OPERATION),
    op(
        "POST",
        "/operations/{code_name}/participants",
        {**OPERATION_SEEN, "owner": 403, "colleague": 403, "reviewer": 403, "partner": 403},
        OPERATION,
        {"agency": "NCB-NG"},
    ),
    op(
        "POST",
        "/operations/{code_name}/infrastructure",
        OPERATION_SEEN,
        OPERATION,
        {"items": [{"kind": "domain", "value": "matrix-scam.example"}]},
    ),
    op("GET", "/operations/{code_name}/infrastructure", OPERATION_SEEN, OPERATION),
    op(
        "POST",
        "/operations/{code_name}/infrastructure/state",
        OPERATION_SEEN,
        OPERATION,
        {"state": "requested", "kind": "domain"},
    ),
    op("GET", "/operations/{code_name}/infrastructure.csv", OPERATION_SEEN, OPERATION),
    op(
        "POST",
        "/operations/{code_name}/results",
        {**OPERATION_SEEN, "partner": 403},
        OPERATION,
        {"counts": {"arrests": 3}},
    ),
    op("GET", "/operations/{code_name}/dashboard", OPERATION_SEEN, OPERATION),
    op("GET", "/operations/{code_name}/targets", OPERATION_SEEN, OPERATION),
    op("GET", "/operations/{code_name}/results.csv", OPERATION_SEEN, OPERATION),
    op("GET", "/operations/{code_name}/report.pdf", OPERATION_SEEN, OPERATION),
    op(
        "POST",
        "/operations/{code_name}/targets",
        {**OPERATION_SEEN, "*": 403},  # coordinators running the operation only
        OPERATION,
        {"kind": "group", "name": "Matrix group"},
    ),
    op(
        "POST",
        "/operations/{code_name}/targets/{target_id}/tasks",
        {**OPERATION_SEEN, "*": 403},
        lambda o: {"code_name": o.operation, "target_id": o.target_id},
        {"agency": "NCB-KE", "text": "Matrix task"},
    ),
    op(
        "POST",
        "/operations/{code_name}/tasks/{task_id}/done",
        {**OPERATION_SEEN, "*": 403, "owner": 200, "colleague": 200},  # the task is NCB-KE's
        lambda o: {"code_name": o.operation, "task_id": o.task_id},
    ),
    op("GET", "/reports/{reference}/stix", {"*": 200, "partner": 404, **NOT_OPERATIONAL_404}, REPORT),
    op("GET", "/reports/{reference}/export", {"*": 200, "partner": 404, **NOT_OPERATIONAL_404}, REPORT),
    op(
        "POST",
        "/exchange/export",
        {"*": 200, "partner": 404, **NOT_OPERATIONAL_404},
        data=lambda o: {"references": [o.reference], "format": "misp"},
    ),
    op("GET", "/exchange/lists/{kind}", {"*": 200, **NOT_OPERATIONAL_403}, lambda o: {"kind": "domain"}),
    op(
        "POST",
        "/exchange/stix/export",
        {"*": 200, "partner": 404, **NOT_OPERATIONAL_404},
        data=lambda o: {"references": [o.reference]},
    ),
]


@pytest.fixture
def objects(world: World) -> Objects:
    token, _value = create_token(None, world.owner, name="owner's", scope="read", days=3)
    contact = directory_services.save_contact_point(
        None,
        world.ncb_ke,
        {"channel": "email", "address": "247@ncb-ke.example", "hours": "24/7", "languages": "en,sw"},
    )
    notification = notify_user(world.owner, "test", "for the owner only")
    kenya = submit(world.owner, [("domain", "matrix-shared.net")], audience="members", tlp="amber")
    submit(world.outsider, [("domain", "matrix-shared.net")], audience="owner", tlp="amber")
    hit = Hit.objects.get(agency=world.ncb_ke)
    nigeria_hit = Hit.objects.get(agency=world.ncb_ng)
    follow_up = request_follow_up(world.outsider, nigeria_hit, "Tell us more")
    indicator = TaxiiObject.objects.get(report=kenya.report, part="indicator").stix_id
    status = TaxiiStatus.objects.create(id=uuid.uuid4(), agency=world.ncb_ke, body={"status": "complete"})
    pending = submit(world.partner, [("domain", "partner-held.net")], audience="everyone").report
    supervisor = UserFactory(username="ke-supervisor", agency=world.ncb_ke, roles=["supervisor", "officer"])
    notices = {}
    for state in ("draft", "awaiting", "review", "published", "diffusion"):
        kind = "diffusion" if state == "diffusion" else "notice"
        notice = notice_services.draft_notice(
            world.owner,
            kind=kind,
            type="purple",
            title=state,
            details=PURPLE_DETAILS,
            subjects=[{"kind": "person", "names": ["Matrix Person"], "photo": _png()}]
            if state == "published"
            else [],
        )
        if state != "draft":
            notice_services.ask_approval(world.owner, notice)
        if state in ("review", "published", "diffusion"):
            notice_services.approve_notice(supervisor, notice)
        if state == "published":
            notice_services.publish_notice(world.reviewer, notice, ALL_CHECKS["checks"])
        notices[state] = notice.reference
        if state == "published":
            notices["photo"] = str(notice.subjects.get().pk)
    public = notice_services.draft_notice(
        world.owner,
        type="un_special",
        title="listed",
        details={"committee": "1267", "listing_reference": "QDe.1"},
        subjects=[{"kind": "entity", "names": ["Matrix Front Ltd"]}],
    )
    notice_services.approve_notice(supervisor, public)
    notice_services.publish_notice(world.reviewer, public, ALL_CHECKS["checks"])
    notices["public"] = public.reference
    source = save_source(
        world.admin,
        {"name": "ke-feed", "kind": "misp_feed", "url": "https://feed.example/", "run_as": world.owner},
    )
    return Objects(
        world,
        token.pk,
        notification.pk,
        contact.pk,
        kenya.report.reference,
        hit.pk,
        follow_up.pk,
        indicator,
        str(status.pk),
        pending.reference,
        source.name,
        notices,
        *_operation(world),
    )


def _operation(world: World) -> tuple[str, int, int]:
    coordinator = UserFactory(username="gs.coordinator", agency=world.gs, roles=["coordinator"])
    operation = operation_services.launch_operation(
        coordinator,
        code_name="Matrix",
        objectives="test the matrix",
        crime_focus="scams",
        participants=[world.ncb_ke],
        partners=[world.partner_agency],
    )
    target = operation_services.add_target(coordinator, operation, kind="suspect", name="Matrix suspect")
    task = operation_services.add_task(coordinator, target, world.ncb_ke, "Identify the suspect")
    return operation.code_name, target.pk, task.pk


def _client(persona: str, objects: Objects, api: bool) -> tuple[Client, dict[str, str]]:
    client = Client()
    if persona == "anonymous":
        return client, {}
    user = getattr(objects.world, persona)
    if api:
        value = create_token(None, user, name="matrix", scope="read-write", days=1)[1]
        return client, {"HTTP_AUTHORIZATION": f"Bearer {value}"}
    return verified_client(client, user), {}


def _status(row: Row, persona: str, objects: Objects) -> int:
    api = row.key.startswith("api:") or row.token
    client, headers = _client(persona, objects, api)
    url = row.url(objects)
    call = getattr(client, row.method.lower())
    data = row.data(objects) if callable(row.data) else row.data
    if row.token and row.method.upper() == "POST":
        response = call(url, json.dumps(data), content_type="application/taxii+json;version=2.1", **headers)
    elif api and row.method != "GET":
        response = call(url, data, content_type="application/json", **headers)
    else:
        response = call(url, data, **headers) if data else call(url, **headers)
    return int(response.status_code)


@pytest.mark.parametrize("row", ROWS, ids=lambda row: row.key)
def test_authorization_matrix(row: Row, objects: Objects) -> None:
    """Every persona against the row, each in a savepoint rolled back after it: a persona's write (a withdrawn
    notice, a task done) never changes what the next one meets, as if each ran on a fresh database, without
    building the objects nine times."""
    wrong = []
    for persona in PERSONAS:
        with transaction.atomic():
            got = _status(row, persona, objects)
            transaction.set_rollback(True)
        if got != row.status_for(persona):
            wrong.append(f"{persona}: {got} != {row.status_for(persona)}")
    assert wrong == [], f"{row.key}: {wrong}"


def _route_names(resolver: URLResolver, namespace: str = "") -> set[str]:
    names: set[str] = set()
    for pattern in resolver.url_patterns:
        if isinstance(pattern, URLResolver):
            inner = f"{namespace}{pattern.namespace}:" if pattern.namespace else namespace
            names |= _route_names(pattern, inner)
        elif isinstance(pattern, URLPattern):
            names.add(
                f"{namespace}{pattern.name}" if pattern.name else f"{namespace}<unnamed {pattern.pattern}>"
            )
    return names


def _api_operations() -> set[str]:
    from lockstep.api import api

    schema = api.get_openapi_schema()
    return {f"api:{method.upper()} {path}" for path, methods in schema["paths"].items() for method in methods}


def test_every_route_and_operation_is_in_the_matrix() -> None:
    routes = {
        name
        for name in _route_names(get_resolver())
        if not name.startswith("admin:")  # the admin: see the next test, over every registered model
        and not (name.startswith("api:") and name != "api:openapi-json")
    }  # API: by operation below
    covered = {row.key for row in ROWS}
    missing = sorted({f"route:{name}" for name in routes} - covered) + sorted(_api_operations() - covered)
    assert missing == [], f"add these to the authorization matrix: {missing}"
    stale = sorted(covered - {f"route:{name}" for name in routes} - _api_operations())
    assert stale == [], f"the matrix names routes that no longer exist: {stale}"


@pytest.mark.parametrize("persona", PERSONAS)
def test_admin_is_for_gs_administrators_only(persona: str, objects: Objects) -> None:
    client, _ = _client(persona, objects, api=False)
    urls = [reverse("admin:index")] + [
        reverse(f"admin:{model._meta.app_label}_{model._meta.model_name}_changelist")
        for model in admin.site._registry
    ]
    for url in urls:
        response = client.get(url)
        if persona == "gs_admin":
            assert response.status_code == 200, url
            continue
        assert response.status_code == 302 and response["Location"].startswith(reverse("admin:login")), url
        then = client.get(response["Location"])
        if persona == "anonymous":
            assert then.status_code == 302 and then["Location"].startswith(reverse("accounts:login")), url
        else:
            assert then.status_code == 403, url
