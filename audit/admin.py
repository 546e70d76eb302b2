from django.contrib import admin

from audit.models import AccessEvent


class AccessLoggedAdminMixin:
    """For admin pages of case data: the object type and case its access-log rows name (``access_case_number`` must
    be given). The rows themselves are written by the admin site for every model that holds case data
    (``audit.admin_site``), with or without this mixin."""

    access_object_type = "object"


@admin.register(AccessEvent)
class AccessEventAdmin(admin.ModelAdmin):
    """Read-only, like the log itself: search it on the portal's access-log page, which also exports CSV."""

    list_display = ["at", "username", "kind", "action", "object_type", "object_id", "case_number", "outcome", "ip"]
    list_filter = ["kind", "outcome", "object_type"]
    search_fields = ["username", "case_number", "action"]
    date_hierarchy = "at"
    actions = None

    def has_add_permission(self, request) -> bool:
        return False

    def has_change_permission(self, request, obj=None) -> bool:
        return False

    def has_delete_permission(self, request, obj=None) -> bool:
        return False
