from django.contrib import admin
from django.contrib.auth.decorators import login_not_required
from django.urls import include, path
from django.views.generic import RedirectView

from accounts import csp as account_csp
from accounts import views as account_views
from accounts.passwords import CountedPasswordChangeView
from api.urls import v1 as api_v1
from core import views as core_views

urlpatterns = [
    path("", core_views.home, name="home"),
    # One log-in for the portal and the admin: with the lock-out and the second factor.
    path("accounts/login/", account_views.PortalLoginView.as_view(), name="login"),
    # Both password-change pages count a wrong old password toward the lock-out.
    path("accounts/password_change/", CountedPasswordChangeView.as_view(), name="password_change"),
    path("admin/password_change/", CountedPasswordChangeView.as_view(), name="admin_password_change"),
    path("accounts/password_reset/", account_views.ThrottledPasswordResetView.as_view(), name="password_reset"),
    path("accounts/", include("django.contrib.auth.urls")),
    path("accounts/", include("accounts.urls")),
    path("security/csp-report/", account_csp.csp_report, name="csp_report"),
    path(
        "admin/login/",
        login_not_required(RedirectView.as_view(pattern_name="login", query_string=True)),
        name="admin_login_redirect",
    ),
    path("admin/", admin.site.urls),
    path("cases/", include("cases.urls")),
    path("guidelines/", include("guidelines.urls")),
    path("reviewers/", include("reviewers.urls")),
    path("letters/", include("letters.urls")),
    path("precedents/", include("precedents.urls")),
    path("operations/", include("operations.urls")),
    path("access-log/", include("audit.urls")),
    path("billing/", include("billing.urls")),
    path("parties/webhooks/", include("webhooks.urls")),
    path("mailroom/", include("mailroom.urls")),
    path("parties/", include("parties.urls")),
    # The injured worker's pages: public, a case opened by its access code (parties.worker_views).
    path("worker/", include("parties.worker_urls")),
    path("api/v1/", api_v1()),
    path("parties/api-keys/", include("api.urls")),
    path("healthz", core_views.healthz, name="healthz"),
]

handler403 = "core.views.error_403"
handler404 = "core.views.error_404"
handler500 = "core.views.error_500"
