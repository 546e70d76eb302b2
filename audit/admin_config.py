from core.adminsite import PortalAdminConfig


class AdminConfig(PortalAdminConfig):
    """``django.contrib.admin`` in INSTALLED_APPS, with ``audit.admin_site.AccessLoggedAdminSite`` as ``admin.site``:
    the portal's site (the text rule on every form, ``core.adminsite``) that records every page of case data."""

    default_site = "audit.admin_site.AccessLoggedAdminSite"
