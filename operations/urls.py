from django.urls import path

from operations import views

app_name = "operations"

urlpatterns = [
    path("", views.dashboard, name="dashboard"),
    path("outcomes/", views.outcomes, name="outcomes"),
    path("state-report/", views.state_report, name="state_report"),
]
