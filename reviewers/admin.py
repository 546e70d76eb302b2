from django.contrib import admin

from reviewers.models import Affiliation, Licence, ReviewerProfile, Specialty, SpecialtyCategoryFit
from reviewers.qualification import qualification_problems


class LicenceInline(admin.TabularInline):
    model = Licence
    extra = 0


class AffiliationInline(admin.TabularInline):
    model = Affiliation
    extra = 0
    autocomplete_fields = ["party"]
    fields = ["party", "relationship", "declared_by_reviewer", "since", "until", "created_by"]
    readonly_fields = ["created_by"]


@admin.register(ReviewerProfile)
class ReviewerProfileAdmin(admin.ModelAdmin):
    list_display = ["display_name", "active", "capacity", "weekly_practice_hours", "credentials_verified_on", "status"]
    list_filter = ["active", "certifications"]
    search_fields = ["user__username", "user__first_name", "user__last_name"]
    filter_horizontal = ["certifications", "subspecialties"]
    inlines = [LicenceInline, AffiliationInline]
    autocomplete_fields = ["user"]

    def get_queryset(self, request):
        return super().get_queryset(request).select_related("user").prefetch_related("licences", "certifications")

    @admin.display(description="Assignable")
    def status(self, profile: ReviewerProfile) -> str:
        problems = qualification_problems(profile)
        return "Yes" if not problems else " ".join(problems)

    def save_formset(self, request, form, formset, change):
        instances = formset.save(commit=False)
        for instance in instances:
            if isinstance(instance, Affiliation) and instance.created_by_id is None:
                instance.created_by = request.user
            instance.save()
        for removed in formset.deleted_objects:
            removed.delete()
        formset.save_m2m()


@admin.register(Specialty)
class SpecialtyAdmin(admin.ModelAdmin):
    list_display = ["name", "aliases"]
    search_fields = ["name", "aliases"]


@admin.register(SpecialtyCategoryFit)
class SpecialtyCategoryFitAdmin(admin.ModelAdmin):
    list_display = ["specialty", "category", "weight"]
    list_editable = ["weight"]
    list_filter = ["category", "specialty"]
    autocomplete_fields = ["specialty"]


@admin.register(Affiliation)
class AffiliationAdmin(admin.ModelAdmin):
    list_display = ["profile", "party", "relationship", "declared_by_reviewer", "since", "until"]
    list_filter = ["declared_by_reviewer", "party__kind"]
    search_fields = ["party__name", "profile__user__username", "profile__user__last_name"]
    autocomplete_fields = ["profile", "party"]
    list_select_related = ["profile__user", "party"]


@admin.register(Licence)
class LicenceAdmin(admin.ModelAdmin):
    list_display = ["profile", "state", "number", "expires_on", "restricted"]
    list_filter = ["state", "restricted", ("expires_on", admin.DateFieldListFilter)]
    search_fields = ["number", "profile__user__username", "profile__user__last_name"]
    list_select_related = ["profile__user"]
    date_hierarchy = "expires_on"
