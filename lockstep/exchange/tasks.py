"""Background work of exchange (django-tasks, run by `lockstep worker`): one pull of a partner source."""

from __future__ import annotations

from django_tasks import task

from lockstep.exchange.models import SourcePull


@task()
def pull_task(pull_id: int) -> None:
    from lockstep.exchange.source_services import pull_source

    pull = (
        SourcePull.objects.select_related("source__run_as__agency", "source__agency")
        .filter(pk=pull_id)
        .first()
    )
    if pull is not None:  # the source may have been deleted since
        pull_source(pull.source, pull=pull)
