"""Notices as JSON Lines, out and in: the format `lockstep notices export` writes and `lockstep notices import`
reads (docs/notices.md), so an agency migrating its records keeps their status and dates."""

from __future__ import annotations

import base64
import datetime
import json
from collections.abc import Iterable, Iterator
from typing import Any

from django.db import transaction
from django.utils.translation import gettext as _

from lockstep.audit.services import record
from lockstep.directory.models import Agency, User
from lockstep.errors import InvalidInput, PermissionDenied
from lockstep.intel.ingest import Submitted
from lockstep.intel.models import ReportStatus
from lockstep.intel.services import activate_report
from lockstep.notices import services
from lockstep.notices.models import Notice, NoticeStatus
from lockstep.notices.types import check_notice, check_translation

DATES = ("submitted_at", "published_at")


def as_line(notice: Notice) -> dict[str, Any]:
    return {
        "reference": notice.reference,
        "kind": notice.kind,
        "type": notice.type,
        "status": notice.status,
        "title": notice.title,
        "summary": notice.summary,
        "language": notice.language,
        "translations": notice.translations,
        "details": notice.details,
        "public_extract": notice.public_extract,
        "submitted_at": notice.submitted_at.isoformat() if notice.submitted_at else None,
        "published_at": notice.published_at.isoformat() if notice.published_at else None,
        "valid_until": notice.valid_until.isoformat() if notice.valid_until else None,
        "recipients": sorted(notice.marking.recipients.values_list("code", flat=True)),
        "subjects": [
            {
                "kind": subject.kind,
                "status": subject.status,
                "names": [
                    {"name": n.name, "script": n.script, "alias": n.alias} for n in subject.names.all()
                ],
                "birth_year": subject.birth_year,
                "birth_month": subject.birth_month,
                "birth_day": subject.birth_day,
                "nationalities": subject.nationalities,
                "documents": subject.documents,
                "description": subject.description,
                "details": subject.details,
                **({"photo": base64.b64encode(bytes(subject.photo)).decode()} if subject.photo else {}),
            }
            for subject in notice.subjects.all()
        ],
        "observables": [
            {"type": row.kind, "value": row.value, "context": row.context}
            for row in (notice.report.observables.all() if notice.report else [])
        ],
    }


def export_lines(actor: User, notices: Iterable[Notice]) -> Iterator[str]:
    rows = list(notices)
    record(actor, "notice.exported", None, references=[notice.reference for notice in rows][:1000])
    for notice in rows:
        yield json.dumps(as_line(notice), ensure_ascii=False)


def _when(value: Any, field: str, line: int) -> datetime.datetime | None:
    if value in (None, ""):
        return None
    try:
        parsed = datetime.datetime.fromisoformat(str(value))
    except ValueError:
        raise InvalidInput(
            _("Line %(line)d: %(field)s is not an ISO date and time.") % {"line": line, "field": field},
            fields={f"line {line}": [field]},
        ) from None
    return parsed if parsed.tzinfo else parsed.replace(tzinfo=datetime.UTC)


def import_lines(actor: User, lines: Iterable[str]) -> list[Notice]:
    """Every line is checked (the type's fields, dates, status, recipients) before anything is stored; then all
    are stored in one transaction, each audited (``notice.imported``)."""
    if not services.may_request(actor):
        raise PermissionDenied(
            _("Notices are requested by National Central Bureaus and authorised entities.")
        )
    planned: list[tuple[int, dict[str, Any]]] = []
    errors: dict[str, list[str]] = {}
    for number, text in enumerate(lines, 1):
        if not text.strip():
            continue
        try:
            item = json.loads(text)
        except json.JSONDecodeError as exc:
            errors[f"line {number}"] = [exc.msg]
            continue
        if not isinstance(item, dict):
            errors[f"line {number}"] = [_("not an object")]
            continue
        if item.get("status", NoticeStatus.PUBLISHED) not in NoticeStatus.values:
            errors[f"line {number}"] = [_("unknown status")]
            continue
        try:
            check_notice(
                str(item.get("type", "")), dict(item.get("details") or {}), list(item.get("subjects") or [])
            )
            for field in DATES:
                _when(item.get(field), field, number)
            own = str(item.get("language", "en"))
            translations = item.get("translations") or {}
            if not isinstance(translations, dict):
                raise InvalidInput(_("translations: an object keyed by language (fr, es, ar, en)"))
            for code, text in translations.items():
                check_translation(str(item.get("type", "")), code, own, text)
        except InvalidInput as exc:
            errors[f"line {number}"] = [exc.message, *(f"{k}: {'; '.join(v)}" for k, v in exc.fields.items())]
            continue
        planned.append((number, item))
    if errors:
        raise InvalidInput(
            _("%(count)d lines cannot be imported; nothing was imported.") % {"count": len(errors)},
            fields=dict(list(errors.items())[:50]),
        )
    created = []
    with transaction.atomic():
        for number, item in planned:
            recipients = list(Agency.objects.filter(code__in=item.get("recipients") or []))
            notice = services.draft_notice(
                actor,
                kind=item.get("kind", "notice"),
                type=item["type"],
                title=str(item.get("title", "")),
                summary=str(item.get("summary", "")),
                language=str(item.get("language", "en")),
                details=dict(item.get("details") or {}),
                subjects=list(item.get("subjects") or []),
                public_extract=bool(item.get("public_extract")),
                recipients=recipients,
                translations=dict(item.get("translations") or {}),
                observables=[
                    Submitted(
                        str(o.get("type", "")), str(o.get("value", "")), str(o.get("context", ""))[:120]
                    )
                    for o in item.get("observables") or []
                ],
            )
            notice.status = item.get("status", NoticeStatus.PUBLISHED)
            notice.submitted_at = _when(item.get("submitted_at"), "submitted_at", number)
            notice.published_at = _when(item.get("published_at"), "published_at", number)
            until = item.get("valid_until")
            notice.valid_until = datetime.date.fromisoformat(until) if until else None
            notice.approved_by = actor
            notice.save()
            if (
                notice.status in services.LIVE
                and notice.report
                and notice.report.status == ReportStatus.PENDING
            ):
                activate_report(actor, notice.report)
            record(
                actor,
                "notice.imported",
                notice,
                line=number,
                status=notice.status,
                former_reference=str(item.get("reference", ""))[:60],
            )
            created.append(notice)
    return created
