"""Accessible names for the controls Django's admin shows without a <label> of their own: the cells of a
list-edit row and of a tabular inline, and the date and time halves of a date-time field."""

from django import forms
from django.contrib import admin
from django.utils.text import capfirst


def real_widget(field: forms.Field) -> forms.Widget:
    """The widget that renders the control: a related-field wrapper's copy shares the original's attrs."""
    return getattr(field.widget, "widget", field.widget)


def name_halves(field: forms.Field, label: str) -> None:
    """A split date-time field's two inputs, named "Publish at, date" and "Publish at, time"."""
    widget = real_widget(field)
    if isinstance(widget, forms.SplitDateTimeWidget):
        for half, word in zip(widget.widgets, ("date", "time"), strict=True):
            half.attrs["aria-label"] = f"{label}, {word}"


def name_row(form: forms.BaseForm, row: str) -> None:
    """Every control of a row shown under column headings, named for its column and its row."""
    for name, field in form.fields.items():
        if isinstance(field.widget, forms.HiddenInput):
            continue
        label = f"{capfirst(field.label or name)}: {row}"
        if isinstance(real_widget(field), forms.SplitDateTimeWidget):
            name_halves(field, label)  # a name on the pair would override its halves' own
        else:
            real_widget(field).attrs["aria-label"] = label


class NamedRows:
    """A formset whose rows (list edit, tabular inline) name their controls, the row's own fields and the
    formset's delete box alike."""

    def add_fields(self, form, index):
        super().add_fields(form, index)
        instance = getattr(form, "instance", None)
        if instance is not None and instance.pk is not None:
            row = str(instance)
        else:
            row = f"new {self.model._meta.verbose_name}" + ("" if index is None else f" {index + 1}")
        name_row(form, row)


def with_named_rows(formset: type) -> type:
    return type(formset.__name__, (NamedRows, formset), {})


class NamedControlsMixin:
    """For a ModelAdmin or an inline: date-time halves named everywhere, list-edit rows named by their item."""

    def formfield_for_dbfield(self, db_field, request, **kwargs):
        formfield = super().formfield_for_dbfield(db_field, request, **kwargs)
        if formfield is not None:
            name_halves(formfield, capfirst(formfield.label or db_field.verbose_name))
        return formfield

    def get_changelist_formset(self, request, **kwargs):
        return with_named_rows(super().get_changelist_formset(request, **kwargs))


class NamedTabularInline(NamedControlsMixin, admin.TabularInline):
    """A tabular inline: its cells sit under column headings, so each control is named for its column and row."""

    def get_formset(self, request, obj=None, **kwargs):
        return with_named_rows(super().get_formset(request, obj, **kwargs))
