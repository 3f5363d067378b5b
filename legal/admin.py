"""The legal pages in Plan administration: a partnership's administrators write their own text
of its accessibility statement, privacy notice and cookies page, starting from the default, and
go back to the default by deleting theirs. Site administrators, at the site's admin, see and
change every partnership's."""

from django.contrib import admin, messages
from django.urls import reverse
from simple_history.admin import SimpleHistoryAdmin

from partnerships.context import current_partnership, partnership_url

from .defaults import default_text
from .forms import LegalPageForm
from .models import Kind, LegalPage

# Each page as a sentence names it: "write your own cookies page".
NOUNS = {
    Kind.ACCESSIBILITY: "accessibility statement",
    Kind.PRIVACY: "privacy notice",
    Kind.COOKIES: "cookies page",
}


@admin.register(LegalPage)
class LegalPageAdmin(SimpleHistoryAdmin):
    form = LegalPageForm
    list_display = ["kind", "updated_at"]
    actions = ["back_to_default"]

    def get_list_display(self, request):
        if current_partnership() is None:
            return ["kind", "partnership", "updated_at"]
        return self.list_display

    def get_list_filter(self, request):
        return ["partnership", "kind"] if current_partnership() is None else []

    def get_fields(self, request, obj=None):
        fields = ["kind", "text"] if obj is None else ["kind", "text", "updated_at"]
        return ["partnership", *fields] if current_partnership() is None else fields

    def get_readonly_fields(self, request, obj=None):
        # A page's kind is what it is: another kind is another page (added apart).
        readonly = [] if obj is None else ["kind", "updated_at"]
        return ["partnership", *readonly] if current_partnership() is None else readonly

    def has_add_permission(self, request):
        # Added in the partnership's own Plan administration, where the partnership it belongs
        # to is in force; the site's admin changes those already written.
        return current_partnership() is not None and super().has_add_permission(request)

    def get_form(self, request, obj=None, change=False, **kwargs):
        form = super().get_form(request, obj, change=change, **kwargs)
        if obj is None and "kind" in form.base_fields:
            written = set(self.get_queryset(request).values_list("kind", flat=True))
            form.base_fields["kind"].choices = [("", "Choose the page")] + [
                (kind.value, kind.label) for kind in Kind if kind.value not in written
            ]
        return form

    def get_changeform_initial_data(self, request):
        """``?kind=privacy``: the page of that kind, starting from its default text."""
        initial = super().get_changeform_initial_data(request)
        kind = request.GET.get("kind")
        if kind in Kind.values:
            initial["kind"] = kind
            initial["text"] = default_text(kind, current_partnership())
        return initial

    def changelist_view(self, request, extra_context=None):
        partnership = current_partnership()
        if partnership is not None:
            own = {page.kind: page for page in self.get_queryset(request)}
            extra_context = {
                **(extra_context or {}),
                "legal_pages": [
                    {
                        "label": kind.label,
                        "noun": NOUNS[kind],
                        "own": own.get(kind.value),
                        "url": reverse(f"legal:{kind.value}"),
                        "add_url": reverse("admin:legal_legalpage_add") + f"?kind={kind.value}",
                    }
                    for kind in Kind
                ],
            }
        return super().changelist_view(request, extra_context)

    def render_change_form(self, request, context, add=False, change=False, form_url="", obj=None):
        if obj is not None and obj.pk:
            context["legal_page_url"] = partnership_url(obj.partnership, f"legal:{obj.kind}")
            context["legal_page_label"] = obj.get_kind_display()
        elif current_partnership() is not None:
            written = set(self.get_queryset(request).values_list("kind", flat=True))
            context["legal_defaults"] = [
                {
                    "label": kind.label,
                    "url": reverse("admin:legal_legalpage_add") + f"?kind={kind.value}",
                }
                for kind in Kind
                if kind.value not in written
            ]
        return super().render_change_form(request, context, add, change, form_url, obj)

    @admin.action(description="Go back to the default text", permissions=["delete"])
    def back_to_default(self, request, queryset):
        count = 0
        # One by one, so that each page's history records who went back to the default, when.
        for page in queryset:
            page._change_reason = "Went back to the default text"
            page.delete()
            count += 1
        self.message_user(
            request,
            f"{count} page{'s' if count != 1 else ''} back to the default text.",
            messages.SUCCESS,
        )
