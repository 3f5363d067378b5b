"""Django admin made to pass the accessibility checks (WCAG 2.2 AA,
tests/browser/test_every_page.py) where its own markup falls short. Styles are in
static/admin-overrides/accessibility.css."""

from django import forms
from django.contrib import admin
from django.contrib.admin.widgets import RelatedFieldWidgetWrapper


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
            widget = field.widget
            if isinstance(widget, RelatedFieldWidgetWrapper):
                # The wrapper's own attrs are not the rendered select's (and, after a form's
                # deep copy, are shared with every other form): name the select itself.
                widget = widget.widget
            widget.attrs.setdefault("aria-label", f"{str(label).capitalize()}{row}")


class LabelledTabularInline(admin.TabularInline):
    """A TabularInline whose inputs have accessible names (see LabelledFormSetMixin)."""

    def get_formset(self, request, obj=None, **kwargs):
        formset = super().get_formset(request, obj, **kwargs)
        return type(f"Labelled{formset.__name__}", (LabelledFormSetMixin, formset), {})


class LabelledListEditableMixin:
    """For a ModelAdmin with list_editable: the change list's inputs get accessible names (the
    column headings label them only visually), as LabelledFormSetMixin does for inlines."""

    def get_changelist_formset(self, request, **kwargs):
        formset = super().get_changelist_formset(request, **kwargs)
        return type(f"Labelled{formset.__name__}", (LabelledFormSetMixin, formset), {})


class LabelledSplitDateTimeMixin:
    """For a ModelAdmin: a date-and-time field is two inputs under one label, which names
    neither; each gets "<label>: date" and "<label>: time"."""

    def formfield_for_dbfield(self, db_field, request, **kwargs):
        formfield = super().formfield_for_dbfield(db_field, request, **kwargs)
        widget = getattr(formfield, "widget", None)
        if isinstance(widget, forms.MultiWidget) and len(widget.widgets) == 2:
            label = str(formfield.label or db_field.verbose_name).capitalize()
            widget.widgets[0].attrs.setdefault("aria-label", f"{label}: date")
            widget.widgets[1].attrs.setdefault("aria-label", f"{label}: time")
        return formfield
