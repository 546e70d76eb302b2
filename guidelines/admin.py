from django.contrib import admin, messages
from django.core.exceptions import ValidationError
from django.db import models

from core.admin import ReadOnlyAdminMixin
from guidelines import services
from guidelines.models import (
    Citation,
    GuidelineSection,
    GuidelineSectionVersion,
    GuidelineSource,
    QuantityLimit,
    Synonym,
)


class SectionInline(admin.TabularInline):
    model = GuidelineSection
    extra = 0
    fields = ["name", "pages", "body_region", "treatment_category", "times_cited", "version"]
    readonly_fields = fields
    show_change_link = True
    can_delete = False

    def has_add_permission(self, request, obj=None):
        # Sections are added on their own page, so that the first version is made.
        return False


class QuantityLimitInline(admin.TabularInline):
    model = QuantityLimit
    extra = 0
    fields = ["treatment", "condition", "min_units", "max_units", "unit", "weeks_max", "initial_trial", "total_max"]
    readonly_fields = fields
    show_change_link = True
    can_delete = False

    def has_add_permission(self, request, obj=None):
        return False


@admin.register(GuidelineSource)
class GuidelineSourceAdmin(admin.ModelAdmin):
    list_display = ["label", "family", "evidence_rank", "effective_from", "effective_to", "active", "section_count"]
    list_filter = ["family", "active", "year"]
    search_fields = ["key", "chapter", "title"]
    prepopulated_fields = {"key": ["chapter"]}
    formfield_overrides = {models.URLField: {"assume_scheme": "https"}}
    inlines = [SectionInline, QuantityLimitInline]

    @admin.display(description="Sections")
    def section_count(self, obj):
        return obj.sections.count()

    @admin.display(description="Chapter", ordering="chapter")
    def label(self, obj):
        return obj.label

    def save_model(self, request, obj, form, change):
        if change:
            services.update_source(
                obj, by=request.user, **{name: form.cleaned_data[name] for name in form.changed_data}
            )
        else:
            super().save_model(request, obj, form, change)


class VersionInline(admin.TabularInline):
    model = GuidelineSectionVersion
    extra = 0
    fields = ["number", "name", "pages", "evidence_level", "changed_by", "changed_at", "note"]
    readonly_fields = fields
    can_delete = False
    ordering = ["-number"]

    def has_add_permission(self, request, obj=None):
        return False

    def has_change_permission(self, request, obj=None):
        return False


@admin.register(GuidelineSection)
class GuidelineSectionAdmin(admin.ModelAdmin):
    list_display = ["name", "source", "pages", "body_region", "treatment_category", "evidence_level", "times_cited"]
    list_filter = ["source__family", "source", "body_region", "treatment_category"]
    search_fields = ["name", "recommendation", "source__chapter"]
    list_select_related = ["source"]
    readonly_fields = ["version", "created_at", "updated_at"]
    inlines = [VersionInline]

    def save_model(self, request, obj, form, change):
        """Every edit made here goes through ``services.update_section`` and so makes a new version."""
        fields = {name: form.cleaned_data[name] for name in GuidelineSection.VERSIONED_FIELDS + ("times_cited",)}
        try:
            if change:
                saved = services.update_section(obj, by=request.user, note="Edited in the admin site", **fields)
            else:
                saved = services.create_section(form.cleaned_data["source"], by=request.user, **fields)
        except ValidationError as error:  # the form validated already; a race with another edit lands here
            messages.error(request, " ".join(error.messages))
            return
        obj.pk, obj.version = saved.pk, saved.version


@admin.register(GuidelineSectionVersion)
class GuidelineSectionVersionAdmin(ReadOnlyAdminMixin, admin.ModelAdmin):
    list_display = ["section", "number", "changed_by", "changed_at", "note"]
    list_filter = ["section__source"]
    search_fields = ["name", "section__name"]
    list_select_related = ["section__source", "changed_by"]


@admin.register(QuantityLimit)
class QuantityLimitAdmin(admin.ModelAdmin):
    list_display = ["treatment", "condition", "source", "min_units", "max_units", "unit", "weeks_max", "initial_trial"]
    list_filter = ["source", "treatment"]
    search_fields = ["treatment", "condition", "quote"]
    list_select_related = ["source"]
    raw_id_fields = ["section"]

    def save_model(self, request, obj, form, change):
        services.save_quantity_limit(obj, by=request.user)


@admin.register(Citation)
class CitationAdmin(admin.ModelAdmin):
    list_display = ["__str__", "kind", "section_version", "created_by", "created_at"]
    list_filter = ["kind"]
    list_select_related = ["section_version", "created_by"]
    readonly_fields = ["kind", "section_version", "text", "pages", "created_by", "created_at"]

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False


@admin.register(Synonym)
class SynonymAdmin(ReadOnlyAdminMixin, admin.ModelAdmin):
    """Read-only here: synonyms are edited on the library's Synonyms page, where each change is an audit event."""

    list_display = ["term", "expansions", "note"]
    search_fields = ["term", "expansions"]
