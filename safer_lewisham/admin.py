"""The background jobs' outcomes (django-celery-results) in the site's admin (``/admin/``) only.

Not in a partnership's Plan administration: a job's arguments and result name rows by id (an
invitation, a partnership), and a job such as the update round works across every partnership,
so a job belongs to no one partnership to show it to. Site administrators see each job's state,
arguments, error and traceback; nobody adds or changes one here (the worker writes them).
Partnerships' administrators see their own side of a failure where it happened: the update
round's e-mails, with their errors, in their admin (docs/update-round.md)."""

from django_celery_results.admin import TaskResultAdmin
from django_celery_results.models import GroupResult, TaskResult

from partnerships.admin import SiteAdministratorsOnly


class BackgroundJobAdmin(SiteAdministratorsOnly, TaskResultAdmin):
    """Each background job that has run: read only, failures first to find."""

    list_display = ("task_name", "status", "date_done", "worker", "task_id")
    list_filter = ("status", "task_name", "date_done")

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        # Clearing old outcomes by hand; they also expire (CELERY_RESULT_EXPIRES).
        return super().has_delete_permission(request, obj)


def register(site):
    """Put the jobs' admin in the place of the one django-celery-results registers (for every
    admin, partnerships' included). Groups of jobs are not used, so not shown."""
    for model in (TaskResult, GroupResult):
        if site.is_registered(model):
            site.unregister(model)
    site.register(TaskResult, BackgroundJobAdmin)
