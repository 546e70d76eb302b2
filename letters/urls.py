from django.urls import path

from letters import late_records, views, views_redaction

app_name = "letters"

urlpatterns = [
    path("", views.letter_center, name="center"),
    path("zip/", views.download_zip, name="zip"),
    path("<int:letter_id>/download/", views.download, name="download"),
    path("<int:letter_id>/service/", views.service, name="service"),
    path("case/<str:case_number>/", views.case_register, name="case_register"),
    path("case/<str:case_number>/letter/<int:letter_id>/proof-of-service/", views.proof_of_service, name="proof"),
    path("case/<str:case_number>/progress/", views.letter_progress, name="progress"),
    path("case/<str:case_number>/request/", views.letter_request, name="request"),
    path("case/<str:case_number>/preview/", views.preview, name="preview"),
    path("case/<str:case_number>/redactions/", views_redaction.add_redaction_term, name="redaction_add"),
    path("case/<str:case_number>/correction/", views.correction, name="correction"),
    path("case/<str:case_number>/generate/", views.generate, name="generate"),
    path("late-records.pdf", late_records.late_records_pdf, name="late_records_pdf"),
    path("verify/", views.verify, name="verify"),
    path("verify/<str:code>/", views.verify_code, name="verify_code"),
]
