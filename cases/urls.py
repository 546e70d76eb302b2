from django.urls import path

from cases import import_views, views

app_name = "cases"

urlpatterns = [
    path("", views.case_list, name="list"),
    path("new/", views.case_create, name="create"),
    path("mine/", views.my_cases, name="my_cases"),
    path("qa/", views.qa_queue, name="qa_queue"),
    path("import/", import_views.case_import, name="import"),
    path("<str:case_number>/", views.case_detail, name="detail"),
    path("<str:case_number>/edit/", views.case_edit, name="edit"),
    path("<str:case_number>/transition/", views.case_transition, name="transition"),
    path("<str:case_number>/documents/", views.document_upload, name="document_upload"),
    path("<str:case_number>/documents/<int:document_id>/", views.document_file, name="document"),
]
