"""Notices out as JSON Lines and back in, for agencies migrating their records: status and dates kept, linked
values correlating for what is live, every notice audited, and a bad line refuses the whole file."""

from __future__ import annotations

import json
from typing import Any

import pytest

from lockstep.audit.models import AuditEvent
from lockstep.directory.tests.factories import AgencyFactory, UserFactory
from lockstep.errors import InvalidInput
from lockstep.intel.ingest import Submitted
from lockstep.notices import services
from lockstep.notices.access import notices_for
from lockstep.notices.models import Notice
from lockstep.notices.tests.test_workflow import PURPLE
from lockstep.notices.transfer import export_lines, import_lines

pytestmark = pytest.mark.django_db


def test_exported_notices_import_with_their_status_dates_and_linked_values(world: Any) -> None:
    supervisor = UserFactory(username="ke-sup", agency=world.ncb_ke, roles=["supervisor"])
    notice = services.draft_notice(
        world.owner,
        type="purple",
        title="MO",
        details=PURPLE,
        observables=[Submitted("domain", "migrated-scam.top")],
    )
    services.approve_notice(supervisor, notice)
    services.publish_notice(world.reviewer, notice, dict.fromkeys(services.CHECKLIST, True))
    services.draft_notice(world.owner, type="purple", title="still a draft", details=PURPLE)
    lines = list(export_lines(world.owner, notices_for(world.owner).filter(owner=world.ncb_ke)))
    assert len(lines) == 2
    exported = {json.loads(line)["title"]: json.loads(line) for line in lines}
    assert exported["MO"]["observables"] == [{"type": "domain", "value": "migrated-scam.top", "context": ""}]
    ghana = UserFactory(
        username="gh", agency=AgencyFactory(code="NCB-GH", kind="ncb", country_id="GH"), roles=["officer"]
    )
    imported = import_lines(ghana, lines)
    published = next(n for n in imported if n.title == "MO")
    assert (published.status, published.published_at, published.valid_until) == (
        "published",
        notice.published_at,
        notice.valid_until,
    )
    assert (
        published.report.status == "active" and published.report.observables.filter(active=True).count() == 1
    )
    assert next(n for n in imported if n.title == "still a draft").status == "draft"
    assert AuditEvent.objects.filter(action="notice.imported").count() == 2


def test_one_bad_line_refuses_the_file_naming_it(world: Any) -> None:
    good = json.dumps({"type": "purple", "title": "ok", "details": PURPLE, "status": "published"})
    bad = json.dumps({"type": "red", "title": "missing fields", "details": {}})
    with pytest.raises(InvalidInput) as caught:
        import_lines(world.owner, [good, bad, "{not json"])
    assert set(caught.value.fields) == {"line 2", "line 3"}
    assert not Notice.objects.exists()
