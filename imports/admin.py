"""Importing a plan's actions from a spreadsheet, in admin: upload, preview, confirm; and the
read-only record of every import.

The pages are admin views (PlanImportAdmin.get_urls) open to staff with ``plans.import_plan``:
- upload: choose the plan and the file; the file is read and stored as a PlanImport
  ("previewed"), then the preview page shows what importing it would do;
- preview: what will be created and changed, warnings, and every problem with its row; a
  "Confirm import" button when there is no problem. Confirming plans the stored file again in
  one transaction and writes it only if the result is still what was shown (applying.py);
- the import template (template.py).
"""

from django.contrib import admin, messages
from django.core.exceptions import PermissionDenied
from django.db import transaction
from django.http import HttpResponse
from django.shortcuts import get_object_or_404, redirect
from django.template.response import TemplateResponse
from django.urls import path, reverse
from django.utils import timezone
from django.utils.html import format_html
from simple_history.admin import SimpleHistoryAdmin

from govuk.admin_read_only import ReadOnlyAdminMixin
from plans.models import AnnualPlan

from .applying import import_file, preview_file
from .forms import UploadForm
from .models import PlanImport
from .reading import UnreadableFile, read_file
from .template import build_template

XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
# What an import's summary counts, as (one, several).
SUMMARY_LABELS = {
    "priorities_created": ("priority created", "priorities created"),
    "strands_created": ("strand created", "strands created"),
    "themes_created": ("theme created", "themes created"),
    "actions_created": ("action created", "actions created"),
    "actions_changed": ("action changed", "actions changed"),
    "actions_unchanged": ("action unchanged", "actions unchanged"),
    "actions_left_alone": (
        "other action of the plan left alone",
        "other actions of the plan left alone",
    ),
}


def summary_text(summary: dict) -> str:
    """ "2 actions created; 1 action changed" from an import's counts."""
    return "; ".join(
        f"{summary[name]} {one if summary[name] == 1 else several}"
        for name, (one, several) in SUMMARY_LABELS.items()
        if summary.get(name)
    )


@admin.register(PlanImport)
class PlanImportAdmin(ReadOnlyAdminMixin, SimpleHistoryAdmin):
    """The record of imports: who uploaded which file into which plan, and what it did. Records
    are made by the upload page only, and never edited."""

    list_display = ["uploaded_at", "filename", "plan", "uploaded_by", "status", "what_it_did"]
    list_filter = ["status", "plan"]
    list_select_related = ["plan", "uploaded_by"]
    search_fields = ["filename", "plan__title"]
    date_hierarchy = "uploaded_at"
    fields = [
        "plan",
        "filename",
        "add_structure",
        "status",
        "uploaded_by",
        "uploaded_at",
        "imported_at",
        "what_it_did",
        "preview_link",
    ]
    readonly_fields = fields

    def get_queryset(self, request):
        # The uploaded file itself is never shown here: don't fetch it for a list.
        return super().get_queryset(request).defer("content")

    @admin.display(description="What it did")
    def what_it_did(self, obj):
        if obj.status != PlanImport.Status.IMPORTED:
            return "Nothing yet: previewed, not confirmed"
        return summary_text(obj.summary) or "Nothing: the plan already matched the file"

    @admin.display(description="Preview")
    def preview_link(self, obj):
        if obj.status != PlanImport.Status.PREVIEWED:
            return "-"
        url = reverse("admin:imports_planimport_preview", args=[obj.pk])
        return format_html('<a href="{}">See the preview and confirm the import</a>', url)

    # The import's own pages.

    def get_urls(self):
        view = self.admin_site.admin_view
        return [
            path("upload/", view(self.upload_view), name="imports_planimport_upload"),
            path("template.xlsx", view(self.template_view), name="imports_planimport_template"),
            path(
                "<int:object_id>/preview/",
                view(self.preview_view),
                name="imports_planimport_preview",
            ),
            *super().get_urls(),
        ]

    def check_may_import(self, request):
        if not request.user.has_perm("plans.import_plan"):
            raise PermissionDenied

    def context(self, request, title, **extra):
        return {
            **self.admin_site.each_context(request),
            "opts": self.opts,
            "title": title,
            **extra,
        }

    def upload_view(self, request):
        self.check_may_import(request)
        if request.method == "POST":
            form = UploadForm(request.POST, request.FILES)
            if form.is_valid():
                upload = form.cleaned_data["file"]
                content = upload.read()
                try:
                    read_file(upload.name, content)
                except UnreadableFile as error:
                    form.add_error("file", str(error))
                else:
                    record = PlanImport.objects.create(
                        plan=form.cleaned_data["plan"],
                        filename=upload.name[:255],
                        content=content,
                        add_structure=form.cleaned_data["add_structure"],
                        uploaded_by=request.user,
                    )
                    return redirect("admin:imports_planimport_preview", record.pk)
            status = 400
        else:
            plan = AnnualPlan.objects.filter(pk=_int(request.GET.get("plan"))).first()
            initial = {}
            if plan is not None:
                initial = {"plan": plan, "add_structure": not plan.priorities.exists()}
            form = UploadForm(initial=initial)
            status = 200
        context = self.context(request, "Import actions from a spreadsheet", form=form)
        return TemplateResponse(
            request, "admin/imports/planimport/upload.html", context, status=status
        )

    def template_view(self, request):
        self.check_may_import(request)
        response = HttpResponse(build_template(), content_type=XLSX)
        response["Content-Disposition"] = 'attachment; filename="action-plan-import-template.xlsx"'
        return response

    def preview_view(self, request, object_id):
        self.check_may_import(request)
        record = get_object_or_404(PlanImport.objects.select_related("plan"), pk=object_id)
        if record.status == PlanImport.Status.IMPORTED:
            return self.already_imported(request, record)
        if request.method == "POST":
            return self.confirm(request, record)
        try:
            preview = _planned(record, preview_file)
        except UnreadableFile as error:
            return self.unreadable(request, record, error)
        return self.render_preview(request, record, preview)

    def confirm(self, request, record):
        with transaction.atomic():
            record = PlanImport.objects.select_for_update().select_related("plan").get(pk=record.pk)
            if record.status == PlanImport.Status.IMPORTED:
                return self.already_imported(request, record)
            try:
                outcome = _planned(
                    record, import_file, expected_digest=request.POST.get("digest", "")
                )
            except UnreadableFile as error:
                return self.unreadable(request, record, error)
            if outcome.imported:
                record.status = PlanImport.Status.IMPORTED
                record.imported_at = timezone.now()
                record.summary = outcome.summary
                record.save()
        if outcome.imported:
            messages.success(
                request,
                f"Imported “{record.filename}” into “{record.plan}”: "
                f"{summary_text(outcome.summary) or 'nothing needed changing'}.",
            )
            return redirect("admin:plans_annualplan_change", record.plan_id)
        if outcome.changed:
            messages.warning(
                request,
                "Nothing was imported: the plan has changed since the preview was shown. This is "
                "the preview as the plan stands now; check it and confirm again.",
            )
        else:
            messages.error(
                request,
                "Nothing was imported: the file now has problems with the plan as it stands. "
                "Fix them in the spreadsheet and upload it again.",
            )
        return self.render_preview(request, record, outcome.preview)

    def render_preview(self, request, record, preview):
        context = self.context(
            request,
            f"Preview: importing “{record.filename}” into {record.plan}",
            record=record,
            preview=preview,
            plan=record.plan,
            plan_url=reverse("admin:plans_annualplan_change", args=[record.plan_id]),
            upload_url=_upload_url(record),
        )
        return TemplateResponse(request, "admin/imports/planimport/preview.html", context)

    def already_imported(self, request, record):
        messages.info(request, f"“{record.filename}” has already been imported.")
        return redirect("admin:imports_planimport_change", record.pk)

    def unreadable(self, request, record, error):
        # Read when it was uploaded, the stored file is refused now only if reading has become
        # stricter since: back to the upload page, for the same plan.
        messages.error(request, str(error))
        return redirect(_upload_url(record))


def _planned(record, plan_file, **options):
    """``plan_file`` (preview_file or import_file) applied to the stored file as it was
    uploaded, so that confirming plans exactly what the preview planned."""
    return plan_file(
        record.plan,
        record.filename,
        bytes(record.content),
        add_structure=record.add_structure,
        **options,
    )


def _upload_url(record) -> str:
    """The upload page, with the record's plan chosen."""
    return f"{reverse('admin:imports_planimport_upload')}?plan={record.plan_id}"


def _int(value) -> int | None:
    try:
        return int(value)
    except (TypeError, ValueError):
        return None
