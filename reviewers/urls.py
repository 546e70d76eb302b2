from django.urls import path

from reviewers import views

app_name = "reviewers"

urlpatterns = [
    path("", views.roster_list, name="roster"),
    path("me/", views.my_profile, name="me"),
    path("new/<int:user_id>/", views.profile_create, name="create"),
    path("<int:profile_id>/", views.profile_edit, name="edit"),
    path("<int:profile_id>/affiliations/", views.affiliation_add, name="add_affiliation"),
]
