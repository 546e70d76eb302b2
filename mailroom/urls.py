from django.urls import path

from mailroom import views

app_name = "mailroom"

urlpatterns = [
    path("", views.batches, name="batches"),
    path("batches/<int:batch_id>/", views.batch, name="batch"),
    path("exceptions/", views.exceptions, name="exceptions"),
    path("exceptions/<int:exception_id>/", views.exception, name="exception"),
    path("exceptions/<int:exception_id>/pages.pdf", views.exception_pages, name="exception_pages"),
    path("cases/<str:case_number>/cover-sheets.pdf", views.case_cover_sheets, name="case_cover_sheets"),
    path("sheets/<str:case_number>/<str:token>/", views.public_cover_sheets, name="public_cover_sheets"),
]
