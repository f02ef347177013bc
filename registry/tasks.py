"""Work on the task queue (django.tasks API; the database backend runs it in `manage.py db_worker`)."""

from django_tasks import task

from . import export_jobs, services
from .models import ExportJob, RegistryImport


@task()
def registry_import_run(registry_import_id: int) -> str:
    """An import's next step: its preview, or its apply once confirmed. Returns the status it ends in."""
    registry_import = RegistryImport.objects.get(pk=registry_import_id)
    services.registry_import_run_job(registry_import=registry_import)
    return registry_import.status


@task()
def export_job_run(export_job_id: int) -> str:
    """Write a long list's .xlsx into the job's file. Returns the status it ends in."""
    export_job = ExportJob.objects.select_related("created_by").get(pk=export_job_id)
    export_jobs.export_job_run(export_job=export_job)
    return export_job.status
