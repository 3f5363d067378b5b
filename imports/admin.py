"""Importing a plan's actions from a spreadsheet, in admin: upload, preview, confirm; and the
read-only record of every import.

The pages are admin views (PlanImportAdmin.get_urls) open to staff with ``plans.import_plan``:
- upload: choose the plan and the file; the file is read and stored as a PlanImport
  ("previewed"), then the preview page shows what importing it would do;
- preview: what will be created and changed, warnings, and every problem with its row; a
  "Confirm import" button when there is no problem. Confirming plans the stored file again in
  one transaction and writes it only if the result is still what was shown (applying.py), in a
  background job (tasks.py), whose page says "Importing..." until it is done;
- the import template (template.py).
"""

from django.contrib import admin, messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.files.base import ContentFile
from django.db import IntegrityError, transaction
from django.http import HttpResponse
from django.shortcuts import get_object_or_404, redirect
from django.template.response import TemplateResponse
from django.urls import path, reverse
from django.utils.html import format_html
from django.utils.text import slugify
from django_scopes import scopes_disabled
from simple_history.admin import SimpleHistoryAdmin

from agencies.models import Agency
from govuk.admin_read_only import ReadOnlyAdminMixin
from partnerships.context import current_partnership_id
from plans.models import AnnualPlan

from .applying import planned_from, preview_file
from .forms import NEW_ORGANISATION, OrganisationsForm, ReadingForm, UploadForm
from .models import ImportLayout, PlanImport
from .organisations import CannotRemember, remember
from .planning import propose_options
from .reading import UnreadableFile, read_file
from .tasks import give_up_if_lost, start_applying
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
    "progress_recorded": ("progress update recorded", "progress updates recorded"),
    "progress_unchanged": ("progress update unchanged", "progress updates unchanged"),
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
        "confirmed_at",
        "imported_at",
        "what_it_did",
        "preview_link",
    ]
    readonly_fields = fields

    @admin.display(description="What it did")
    def what_it_did(self, obj):
        if obj.status == PlanImport.Status.APPLYING:
            return "Being imported: nothing yet"
        if obj.error:
            return obj.error
        if obj.status != PlanImport.Status.IMPORTED:
            return "Nothing yet: previewed, not confirmed"
        return summary_text(obj.summary) or "Nothing: the plan already matched the file"

    @admin.display(description="Preview")
    def preview_link(self, obj):
        if obj.status == PlanImport.Status.APPLYING:
            url = reverse("admin:imports_planimport_importing", args=[obj.pk])
            return format_html('<a href="{}">See how the import is going</a>', url)
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
                "<int:object_id>/importing/",
                view(self.importing_view),
                name="imports_planimport_importing",
            ),
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
                    sheet = read_file(upload.name, content)
                except UnreadableFile as error:
                    form.add_error("file", str(error))
                else:
                    layout = ImportLayout.objects.filter(fingerprint=sheet.fingerprint).first()
                    record = PlanImport.objects.create(
                        plan=form.cleaned_data["plan"],
                        filename=upload.name[:255],
                        file=ContentFile(content, name=upload.name),
                        add_structure=form.cleaned_data["add_structure"],
                        uploaded_by=request.user,
                        sheet_name=sheet.sheet_name,
                        mapping=layout.mapping if layout else {},
                        mapping_source="remembered" if layout else "",
                        options=layout.options if layout else {},
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
        if record.status == PlanImport.Status.APPLYING:
            return redirect("admin:imports_planimport_importing", record.pk)
        if request.method == "POST":
            step = request.POST.get("step")
            if step == "read-again":
                return self.read_again(request, record)
            if step == "organisations":
                return self.organisations(request, record)
            return self.confirm(request, record)
        try:
            preview = planned_from(record, preview_file)
        except UnreadableFile as error:
            return self.unreadable(request, record, error)
        return self.render_preview(request, record, preview)

    def read_again(self, request, record):
        """The administrator's mapping, sheet and options: saved on the record, and the preview
        they give shown."""
        try:
            sheet = _sheet(record)
        except UnreadableFile as error:
            return self.unreadable(request, record, error)
        chosen_sheet = request.POST.get("sheet")
        if chosen_sheet and chosen_sheet != sheet.sheet_name and chosen_sheet in sheet.sheet_names:
            # Another sheet has other columns: read it with its own proposal first.
            record.sheet_name, record.mapping, record.mapping_source = chosen_sheet, {}, ""
            record.save(update_fields=["sheet_name", "mapping", "mapping_source"])
            return redirect("admin:imports_planimport_preview", record.pk)
        options = propose_options(sheet, record.plan, record.options)
        form = ReadingForm(request.POST, sheet=sheet, plan=record.plan, options=options)
        if not form.is_valid():
            preview = planned_from(record, preview_file)
            return self.render_preview(request, record, preview, reading_form=form, status=400)
        record.mapping = form.mapping()
        record.mapping_source = "chosen"
        record.options = form.options()
        record.save(update_fields=["mapping", "mapping_source", "options"])
        messages.info(request, "The file has been read again as you chose.")
        return redirect("admin:imports_planimport_preview", record.pk)

    def organisations(self, request, record):
        """What the unknown and guessed organisations are: remembered for the partnership, or
        added as its new organisations."""
        try:
            preview = planned_from(record, preview_file)
        except UnreadableFile as error:
            return self.unreadable(request, record, error)
        form = self.organisations_form(preview, request.POST)
        form.is_valid()
        done, refused = [], []
        for (name, _), bound in zip(form.unknown, form.unknown_fields, strict=True):
            choice = form.cleaned_data.get(bound.name, "")
            try:
                if choice == NEW_ORGANISATION:
                    _add_organisation(name)
                    done.append(f"added “{name}”")
                elif choice:
                    agency = Agency.objects.get(pk=int(choice))
                    remember(name, agency, request.user)
                    done.append(f"“{name}” is {agency.display_name}")
            except (Agency.DoesNotExist, ValueError):
                refused.append(f"“{name}”: choose one of the organisations listed.")
            except (CannotRemember, ValidationError) as error:
                refused.append(" ".join(getattr(error, "messages", [str(error)])))
        for (name, found), bound in zip(form.guessed, form.guessed_fields, strict=True):
            if form.cleaned_data.get(bound.name):
                try:
                    remember(name, found.agency, request.user)
                    done.append(f"“{name}” is {found.agency.display_name}")
                except CannotRemember as error:
                    refused.append(str(error))
        if done:
            messages.success(request, "Remembered for this partnership: " + "; ".join(done) + ".")
        for message in refused:
            messages.error(request, message)
        if not done and not refused:
            messages.info(request, "Nothing was chosen, so nothing changed.")
        return redirect("admin:imports_planimport_preview", record.pk)

    def organisations_form(self, preview, data=None):
        return OrganisationsForm(
            data,
            unknown=preview.unknown_organisations,
            guessed=preview.guessed_organisations,
            agencies=Agency.objects.filter(is_active=True).order_by("name"),
        )

    def confirm(self, request, record):
        """Confirmed: the import is applied by a background job (imports/tasks.py), or, without
        a job queue, at once, and the administrator sees the result."""
        if record.status == PlanImport.Status.IMPORTED:
            return self.already_imported(request, record)
        record = start_applying(record.pk, request.user, request.POST.get("digest", ""))
        return self.result(request, record)

    def importing_view(self, request, object_id):
        """The import's page while its job runs ("check again"), and its result once done."""
        self.check_may_import(request)
        record = get_object_or_404(PlanImport.objects.select_related("plan"), pk=object_id)
        give_up_if_lost(record)
        return self.result(request, record)

    def result(self, request, record):
        """Imported: the plan, with what it did. Nothing imported: the preview as the plan
        stands now, with why. Still being imported: the page that says so."""
        if record.status == PlanImport.Status.IMPORTED:
            messages.success(
                request,
                f"Imported “{record.filename}” into “{record.plan}”: "
                f"{summary_text(record.summary) or 'nothing needed changing'}.",
            )
            return redirect("admin:plans_annualplan_change", record.plan_id)
        if record.status == PlanImport.Status.APPLYING:
            if request.method == "POST":
                return redirect("admin:imports_planimport_importing", record.pk)
            context = self.context(
                request,
                f"Importing “{record.filename}” into {record.plan}",
                record=record,
                plan=record.plan,
                plan_url=reverse("admin:plans_annualplan_change", args=[record.plan_id]),
            )
            return TemplateResponse(request, "admin/imports/planimport/importing.html", context)
        if request.method == "GET" and not record.error:
            return redirect("admin:imports_planimport_preview", record.pk)
        try:
            preview = planned_from(record, preview_file)
        except UnreadableFile as error:
            return self.unreadable(request, record, error)
        if record.error:
            messages.warning(request, record.error)
        return self.render_preview(request, record, preview)

    def render_preview(self, request, record, preview, reading_form=None, status=200):
        # The table the preview was planned from: the file is not read again for the page.
        sheet = preview.sheet
        if reading_form is None:
            reading_form = ReadingForm(
                sheet=sheet,
                plan=record.plan,
                options=preview.options or propose_options(sheet, record.plan, record.options),
            )
        context = self.context(
            request,
            f"Preview: importing “{record.filename}” into {record.plan}",
            record=record,
            preview=preview,
            sheet=sheet,
            reading_form=reading_form,
            organisations_form=self.organisations_form(preview),
            plan=record.plan,
            plan_url=reverse("admin:plans_annualplan_change", args=[record.plan_id]),
            upload_url=_upload_url(record),
        )
        return TemplateResponse(
            request, "admin/imports/planimport/preview.html", context, status=status
        )

    def already_imported(self, request, record):
        messages.info(request, f"“{record.filename}” has already been imported.")
        return redirect("admin:imports_planimport_change", record.pk)

    def unreadable(self, request, record, error):
        # Read when it was uploaded, the stored file is refused now only if reading has become
        # stricter since: back to the upload page, for the same plan.
        messages.error(request, str(error))
        return redirect(_upload_url(record))


def _sheet(record):
    return read_file(
        record.filename,
        record.read_file(),
        sheet_name=record.sheet_name or None,
        mapping=record.mapping or None,
        how=record.mapping_source or "chosen",
    )


def _add_organisation(name: str) -> Agency:
    """A new organisation of the current partnership, named as the file names it."""
    base = slugify(name)[:70] or "organisation"
    slug, number = base, 2
    with scopes_disabled():
        while Agency.objects.filter(slug=slug).exists():
            slug, number = f"{base}-{number}", number + 1
    agency = Agency(name=name[:200], slug=slug)
    agency.full_clean(exclude=["partnerships"])
    try:
        with transaction.atomic():
            agency.save()
            agency.partnerships.add(current_partnership_id())
    except IntegrityError:
        raise ValidationError(
            f"An organisation called “{name}” is already in the service, as a partner of "
            "another partnership: ask a site administrator to make it one of yours."
        ) from None
    return agency


def _upload_url(record) -> str:
    """The upload page, with the record's plan chosen."""
    return f"{reverse('admin:imports_planimport_upload')}?plan={record.plan_id}"


def _int(value) -> int | None:
    try:
        return int(value)
    except (TypeError, ValueError):
        return None
