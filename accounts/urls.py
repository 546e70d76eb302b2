from django.urls import path

from accounts import enrolment, views

app_name = "accounts"

urlpatterns = [
    path("second-factor/", views.second_factor, name="second_factor"),
    path("security/", views.security_page, name="security"),
    path("security/authenticator/", views.totp_setup, name="totp_setup"),
    path("security/authenticator/link/", enrolment.enrolment_request, name="enrolment_request"),
    path("security/authenticator/enrol/<str:token>/", enrolment.enrolment_link, name="enrolment_link"),
    path("security/authenticator/remove/", views.totp_remove, name="totp_remove"),
    path("security/recovery-codes/", views.recovery_codes, name="recovery_codes"),
    path("security/sessions/end-others/", views.end_other_sessions, name="end_other_sessions"),
    path("security/locked/", views.lockouts, name="lockouts"),
    path("security/locked/unlock/", views.unlock, name="unlock"),
]
