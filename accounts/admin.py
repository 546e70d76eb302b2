from importlib import import_module

from django.conf import settings
from django.contrib import admin

from accounts.models import CspReport, UserSession


@admin.register(CspReport)
class CspReportAdmin(admin.ModelAdmin):
    """What the browsers reported against the Content-Security-Policy: read, and deleted once dealt with."""

    list_display = ["last_seen", "directive", "blocked_uri", "document_path", "source_file", "count"]
    list_filter = ["directive"]
    search_fields = ["blocked_uri", "document_path", "source_file"]
    ordering = ["-last_seen"]

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False


@admin.register(UserSession)
class UserSessionAdmin(admin.ModelAdmin):
    list_display = ["user", "created_at", "ip_address", "user_agent"]
    search_fields = ["user__username"]
    list_select_related = ["user"]
    fields = ["user", "created_at", "ip_address", "user_agent"]
    readonly_fields = fields

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def delete_model(self, request, obj):
        """Deleting a row logs that session out."""
        import_module(settings.SESSION_ENGINE).SessionStore(session_key=obj.session_key).delete()
        super().delete_model(request, obj)

    def delete_queryset(self, request, queryset):
        store = import_module(settings.SESSION_ENGINE).SessionStore
        for key in queryset.values_list("session_key", flat=True):
            store(session_key=key).delete()
        super().delete_queryset(request, queryset)
