"""Administration of the update round: each plan's window per quarter (its dates may be changed
here), and the record of every e-mail the round sent or tried to send (read only, with "Retry
now" for the ones that failed)."""

from django.contrib import admin, messages
from django.utils.formats import date_format
from simple_history.admin import SimpleHistoryAdmin

from govuk.admin_read_only import ReadOnlyAdminMixin

from .due import due_for
from .models import RoundEmail, UpdateWindow
from .sending import deliver, render_email


@admin.register(UpdateWindow)
class UpdateWindowAdmin(SimpleHistoryAdmin):
    list_display = ["plan", "quarter_label", "opens_on", "reminder", "closes_on"]
    list_select_related = ["plan"]
    list_filter = ["plan", "quarter"]
    fields = ["plan", "quarter", "opens_on", "closes_on"]
    ordering = ["-plan__financial_year", "plan__title", "quarter"]

    @admin.display(description="Quarter", ordering="quarter")
    def quarter_label(self, obj):
        return f"{obj.period.label} ({obj.period.months_label})"

    @admin.display(description="Reminder sent on")
    def reminder(self, obj):
        return date_format(obj.reminder_on, "j F Y")

    def get_readonly_fields(self, request, obj=None):
        # A window's plan and quarter are what its e-mails were sent for: only its dates change.
        return ["plan", "quarter"] if obj is not None else []


@admin.register(RoundEmail)
class RoundEmailAdmin(ReadOnlyAdminMixin, admin.ModelAdmin):
    """The record of what the round sent: nobody adds, changes or deletes it here, but one that
    failed may be retried."""

    list_display = [
        "kind",
        "to_address",
        "window",
        "status",
        "attempts",
        "error",
        "created_at",
        "sent_at",
    ]
    list_select_related = ["window__plan", "recipient"]
    list_filter = ["status", "kind", "window__plan"]
    search_fields = ["to_address", "recipient__username", "subject"]
    date_hierarchy = "created_at"
    fields = [
        "window",
        "kind",
        "recipient",
        "to_address",
        "status",
        "attempts",
        "last_error",
        "created_at",
        "sent_at",
        "subject",
        "body",
    ]
    readonly_fields = fields
    actions = ["retry_now"]

    @admin.display(description="Last error")
    def error(self, obj):
        text = obj.last_error
        return text if len(text) <= 80 else text[:79] + "…"

    def has_retry_permission(self, request):
        return request.user.has_perm("rounds.change_roundemail")

    @admin.action(description="Retry now the selected e-mails that failed", permissions=["retry"])
    def retry_now(self, request, queryset):
        sent = failed = not_needed = 0
        retryable = queryset.filter(
            status__in=[RoundEmail.Status.FAILED, RoundEmail.Status.GAVE_UP]
        ).select_related("window__plan", "recipient")
        for row in retryable:
            due = due_for(row.recipient, row.window)
            if not due or not row.recipient.email:
                not_needed += 1
                continue
            subject, text, html = render_email(row.window, row.recipient, due, row.kind)
            # Claimed as the round claims it, so that a run of the round at the same moment
            # cannot send it too.
            claimed = RoundEmail.objects.filter(pk=row.pk, status=row.status).update(
                status=RoundEmail.Status.PENDING,
                to_address=row.recipient.email,
                subject=subject,
                body=text,
            )
            if not claimed:
                continue
            row.to_address = row.recipient.email
            if deliver(row, subject, text, html) == RoundEmail.Status.SENT:
                sent += 1
            else:
                failed += 1
        level = messages.ERROR if failed else messages.SUCCESS
        self.message_user(
            request,
            f"Sent {sent}; failed again {failed}; not needed any more (nothing due) {not_needed}.",
            level,
        )
