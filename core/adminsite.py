"""The portal's admin site: Django's own, with the text rule of ``core/text.py`` on every form it shows.

Any model registered with ``@admin.register`` (ours and those of django.contrib.auth, django-otp and axes) gets its
ModelAdmin wrapped at registration: the add and change form, every inline's forms and the list's editable rows refuse
control characters and bidirectional overrides at the field, as the portal's own forms do. A value the admin accepted
once reached the letter preview with "Upheld" reading reversed (issue 20, finding 4); by construction, no admin page
written later can forget the rule. ``tests/security/test_admin_input.py`` walks the registry to keep it so.
"""

from __future__ import annotations

from django.contrib import admin
from django.contrib.admin.apps import AdminConfig
from django.db import models
from django.forms import BaseForm

from core.dates import FutureDateField
from core.text import PrintableTextFormMixin


def printable_form(form_class: type[BaseForm]) -> type[BaseForm]:
    """``form_class`` with every text field refusing what a letter cannot show (unchanged if it already does)."""
    if issubclass(form_class, PrintableTextFormMixin):
        return form_class
    return type(form_class.__name__, (PrintableTextFormMixin, form_class), {"__module__": form_class.__module__})


class PrintableTextAdminMixin:
    """Every form of a ModelAdmin applies the text rule: the page's form, its inlines' and the list's editable rows."""

    def formfield_for_dbfield(self, db_field, request, **kwargs):
        # A date is read as the portal's forms read it (core.dates): no year before 1900, a two-digit year never 00YY.
        # Future dates stay allowed: the admin edits licences' expiries and absences too.
        if isinstance(db_field, models.DateField) and not isinstance(db_field, models.DateTimeField):
            kwargs.setdefault("form_class", FutureDateField)
        return super().formfield_for_dbfield(db_field, request, **kwargs)

    def get_form(self, request, obj=None, change=False, **kwargs):
        return printable_form(super().get_form(request, obj, change=change, **kwargs))

    def get_changelist_form(self, request, **kwargs):
        return printable_form(super().get_changelist_form(request, **kwargs))

    def get_formsets_with_inlines(self, request, obj=None):
        for formset, inline in super().get_formsets_with_inlines(request, obj):
            formset.form = printable_form(formset.form)  # the formset class is made afresh for each request
            yield formset, inline


class PortalAdminSite(admin.AdminSite):
    def register(self, model_or_iterable, admin_class=None, **options):
        admin_class = admin_class or admin.ModelAdmin
        if not issubclass(admin_class, PrintableTextAdminMixin):
            admin_class = type(
                admin_class.__name__,
                (PrintableTextAdminMixin, admin_class),
                {"__module__": admin_class.__module__, "__doc__": admin_class.__doc__},
            )
        super().register(model_or_iterable, admin_class, **options)


class PortalAdminConfig(AdminConfig):
    """Stands for ``django.contrib.admin`` in INSTALLED_APPS so that ``admin.site`` is the portal's site."""

    default_site = "core.adminsite.PortalAdminSite"
