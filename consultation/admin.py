"""Administration of the comments made on plans during consultation."""

from django.contrib import admin, messages
from django.utils import timezone
from simple_history.admin import SimpleHistoryAdmin

from .models import Comment


class AddressedFilter(admin.SimpleListFilter):
    title = "addressed"
    parameter_name = "addressed"

    def lookups(self, request, model_admin):
        return [("yes", "Addressed"), ("no", "Open")]

    def queryset(self, request, queryset):
        if self.value() == "yes":
            return queryset.addressed()
        if self.value() == "no":
            return queryset.open()
        return queryset


@admin.register(Comment)
class CommentAdmin(SimpleHistoryAdmin):
    list_display = ["subject", "excerpt", "plan", "author", "created_at", "addressed"]
    list_select_related = ["plan", "author", "strand", "action"]
    list_filter = ["plan", AddressedFilter]
    search_fields = [
        "text",
        "response",
        "author__username",
        "author__first_name",
        "author__last_name",
    ]
    date_hierarchy = "created_at"
    fields = [
        "plan",
        "strand",
        "action",
        "text",
        "author",
        "response",
        "addressed_at",
        "addressed_by",
        "created_at",
    ]
    readonly_fields = ["created_at", "addressed_at", "addressed_by"]
    raw_id_fields = ["strand", "action", "author"]
    actions = ["mark_addressed"]

    @admin.display(description="About")
    def subject(self, obj):
        return obj.subject_label

    @admin.display(description="Comment")
    def excerpt(self, obj):
        return obj.text if len(obj.text) <= 80 else obj.text[:79] + "…"

    @admin.display(description="Addressed", boolean=True, ordering="addressed_at")
    def addressed(self, obj):
        return obj.is_addressed

    @admin.action(description="Mark selected comments addressed", permissions=["address"])
    def mark_addressed(self, request, queryset):
        now = timezone.now()
        marked = 0
        # Saved one by one, so that each comment's history records who marked it and when.
        for comment in queryset.open():
            comment.addressed_at = now
            comment.addressed_by = request.user
            comment._change_reason = "Marked addressed"
            comment.save()
            marked += 1
        self.message_user(
            request,
            f"{marked} comment{'s' if marked != 1 else ''} marked addressed.",
            messages.SUCCESS,
        )

    def has_address_permission(self, request):
        return request.user.has_perm("consultation.address_comment")
