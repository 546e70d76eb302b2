from django.contrib import admin
from django.urls import include, path

from core import views as core_views

urlpatterns = [
    path("", core_views.home, name="home"),
    path("accounts/", include("django.contrib.auth.urls")),
    path("admin/", admin.site.urls),
    path("cases/", include("cases.urls")),
    path("guidelines/", include("guidelines.urls")),
    path("reviewers/", include("reviewers.urls")),
    path("letters/", include("letters.urls")),
    path("healthz", core_views.healthz, name="healthz"),
]

handler403 = "core.views.error_403"
handler404 = "core.views.error_404"
handler500 = "core.views.error_500"
