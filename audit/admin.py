from django.contrib import admin

from audit import log
from audit.models import AccessEvent


class AccessLoggedAdminMixin:
    """For admin pages of protected data: opening an object's page is recorded in the access log like any other read.

    ``access_case_number`` names the case of an object."""

    access_object_type = "object"

    def access_case_number(self, obj) -> str:
        return ""

    def change_view(self, request, object_id, form_url="", extra_context=None):
        obj = self.get_object(request, admin.utils.unquote(object_id))
        if obj is None:
            outcome = log.Outcome.NOT_FOUND
        elif request.method == "POST" and not self.has_change_permission(request, obj):
            outcome = log.Outcome.DENIED
        else:
            outcome = log.Outcome.ALLOWED
        log.record(
            request,
            object_type=self.access_object_type,
            object_id=object_id,
            case_number=self.access_case_number(obj) if obj is not None else "",
            outcome=outcome,
            action=f"admin:{self.opts.label_lower}",
        )
        return super().change_view(request, object_id, form_url, extra_context)


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
