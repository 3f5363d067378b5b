"""Django admin made to pass the accessibility checks (WCAG 2.2 AA,
tests/browser/test_every_page.py) where its own markup falls short. Styles are in
static/admin-overrides/accessibility.css."""

from django.contrib import admin


class LabelledFormSetMixin:
    """Gives every field of every row an accessible name. A tabular inline shows its labels once,
    as column headings, so a screen reader arriving in a cell hears no label: each input gets
    "<label>, row <n>" as its aria-label instead (the Delete box too)."""

    def add_fields(self, form, index):
        super().add_fields(form, index)
        row = f", row {index + 1}" if index is not None else ", new row"
        for name, field in form.fields.items():
            if field.widget.is_hidden:
                continue
            label = field.label if field.label is not None else name.replace("_", " ")
            field.widget.attrs.setdefault("aria-label", f"{str(label).capitalize()}{row}")


class LabelledTabularInline(admin.TabularInline):
    """A TabularInline whose inputs have accessible names (see LabelledFormSetMixin)."""

    def get_formset(self, request, obj=None, **kwargs):
        formset = super().get_formset(request, obj, **kwargs)
        return type(f"Labelled{formset.__name__}", (LabelledFormSetMixin, formset), {})
