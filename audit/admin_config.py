from django.contrib.admin.apps import AdminConfig as DjangoAdminConfig


class AdminConfig(DjangoAdminConfig):
    """The Django admin with ``audit.admin_site.AccessLoggedAdminSite`` as its site (``admin.site``)."""

    default_site = "audit.admin_site.AccessLoggedAdminSite"
