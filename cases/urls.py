from django.urls import path

from cases.views import assignment, clock, imports, intake, parties, qa, workspace

app_name = "cases"

urlpatterns = [
    path("", intake.case_list, name="list"),
    path("new/", intake.case_create, name="create"),
    path("mine/", assignment.my_cases, name="my_cases"),
    path("assign/", assignment.assign_queue, name="assign_queue"),
    path("qa/", qa.qa_queue, name="qa_queue"),
    path("import/", imports.case_import, name="import"),
    path("export/", imports.case_export, name="export"),
    path("parties/search/", parties.party_search, name="party_search"),
    path("records/late/", clock.late_records_report, name="late_records"),
    path("<str:case_number>/", intake.case_detail, name="detail"),
    path("<str:case_number>/edit/", intake.case_edit, name="edit"),
    path("<str:case_number>/assign/", assignment.assign_case, name="assign"),
    path("<str:case_number>/accept/", assignment.accept, name="accept"),
    path("<str:case_number>/decline/", assignment.decline, name="decline"),
    path("<str:case_number>/transition/", intake.case_transition, name="transition"),
    path("<str:case_number>/documents/", intake.document_upload, name="document_upload"),
    path("<str:case_number>/documents/<int:document_id>/", intake.document_file, name="document"),
    path("<str:case_number>/records/checklist/", clock.records_document, name="records_document"),
    path("<str:case_number>/records/proceed/", clock.records_proceed, name="records_proceed"),
    path("<str:case_number>/track/", clock.case_track, name="track"),
    path("<str:case_number>/appeals/", clock.appeal_record, name="appeal"),
    path("<str:case_number>/appeals/rescind/", clock.appeal_rescind, name="appeal_rescind"),
    path("<str:case_number>/authorization/", clock.item_authorization, name="item_authorization"),
    path("<str:case_number>/records/search/", intake.records_search, name="records_search"),
    path("<str:case_number>/workspace/", workspace.workspace, name="workspace"),
    path("<str:case_number>/workspace/autosave/", workspace.autosave, name="autosave"),
    path("<str:case_number>/workspace/submit/", workspace.submit, name="submit_determination"),
    path("<str:case_number>/qa/", qa.qa_review, name="qa_review"),
]
