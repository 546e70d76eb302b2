from django.urls import path

from parties import views, views_staff

app_name = "parties"

urlpatterns = [
    # The party portal: an organization's people.
    path("", views.our_cases, name="home"),
    path("cases/<str:case_number>/", views.case_page, name="case"),
    path("cases/<str:case_number>/documents/", views.send_documents, name="send_documents"),
    path("cases/<str:case_number>/documents/<int:document_id>/receipt/", views.receipt, name="receipt"),
    path("cases/<str:case_number>/letters/<int:letter_id>/", views.letter_download, name="letter"),
    path("people/", views.people, name="people"),
    path("people/invite/", views.invite, name="invite"),
    path("people/<int:membership_id>/deactivate/", views.deactivate, name="deactivate"),
    path("invitation/<str:token>/", views.invitation, name="invitation"),
    # The administrators' side: organizations and their people.
    path("organizations/", views_staff.organizations, name="organizations"),
    path("organizations/new/", views_staff.organization_new, name="organization_new"),
    path("organizations/<int:organization_id>/", views_staff.organization, name="organization"),
    path("organizations/<int:organization_id>/invite/", views_staff.organization_invite, name="organization_invite"),
    path(
        "organizations/<int:organization_id>/people/<int:membership_id>/deactivate/",
        views_staff.organization_deactivate,
        name="organization_deactivate",
    ),
]
