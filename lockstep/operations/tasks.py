"""Background work of operations (django-tasks, run by `lockstep worker`): an infrastructure import."""

from __future__ import annotations

from django_tasks import task

from lockstep.operations.models import ImportStatus, InfrastructureImport


@task()
def import_task(job_id: int) -> None:
    from lockstep.operations.services import run_import

    job = (
        InfrastructureImport.objects.select_related("user__agency", "operation")
        .filter(pk=job_id, status=ImportStatus.QUEUED)
        .first()
    )
    if job is not None:  # the operation may have been deleted since, or the import run already
        run_import(job)
