from django.urls import path

from cases import assignment_views, import_views, qa_views, views, workspace_views

app_name = "cases"

urlpatterns = [
    path("", views.case_list, name="list"),
    path("new/", views.case_create, name="create"),
    path("mine/", assignment_views.my_cases, name="my_cases"),
    path("assign/", assignment_views.assign_queue, name="assign_queue"),
    path("qa/", qa_views.qa_queue, name="qa_queue"),
    path("import/", import_views.case_import, name="import"),
    path("export/", import_views.case_export, name="export"),
    path("<str:case_number>/", views.case_detail, name="detail"),
    path("<str:case_number>/edit/", views.case_edit, name="edit"),
    path("<str:case_number>/assign/", assignment_views.assign_case, name="assign"),
    path("<str:case_number>/accept/", assignment_views.accept, name="accept"),
    path("<str:case_number>/decline/", assignment_views.decline, name="decline"),
    path("<str:case_number>/transition/", views.case_transition, name="transition"),
    path("<str:case_number>/documents/", views.document_upload, name="document_upload"),
    path("<str:case_number>/documents/<int:document_id>/", views.document_file, name="document"),
    path("<str:case_number>/records/search/", views.records_search, name="records_search"),
    path("<str:case_number>/workspace/", workspace_views.workspace, name="workspace"),
    path("<str:case_number>/workspace/autosave/", workspace_views.autosave, name="autosave"),
    path("<str:case_number>/workspace/submit/", workspace_views.submit, name="submit_determination"),
    path("<str:case_number>/letter-preview/", workspace_views.letter_preview, name="letter_preview"),
    path("<str:case_number>/qa/", qa_views.qa_review, name="qa_review"),
]
