"""The injured worker's pages, under /worker/ (public: the case opens with its access code)."""

from django.urls import path

from parties import worker_views as views

app_name = "worker"

urlpatterns = [
    path("", views.start, name="start"),
    path("language/", views.language, name="language"),
    path("leave/", views.leave, name="leave"),
    path("case/<str:case_number>/", views.case, name="case"),
    path("case/<str:case_number>/send/", views.send, name="send"),
    path("case/<str:case_number>/letters/<int:letter_id>/", views.letter, name="letter"),
    # For administrators: the worker's language and a new access code (with its notice to print).
    path("staff/<str:case_number>/", views.staff_code, name="staff_code"),
]
