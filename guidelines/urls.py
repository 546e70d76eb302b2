from django.urls import path

from guidelines import synonym_views, views

app_name = "guidelines"

urlpatterns = [
    path("", views.library, name="library"),
    path("search/", views.search, name="search"),
    path("quantity-check/", views.quantity_check_view, name="quantity_check"),
    path("sources/new/", views.source_edit, name="source_create"),
    path("sources/<slug:key>/", views.source_detail, name="source"),
    path("sources/<slug:key>/edit/", views.source_edit, name="source_edit"),
    path("sources/<slug:key>/sections/new/", views.section_edit, name="section_create"),
    path("sections/<int:pk>/", views.section_detail, name="section"),
    path("sections/<int:pk>/edit/", views.section_edit, name="section_edit"),
    path("sections/<int:pk>/history/", views.section_history, name="section_history"),
    path("limits/", views.limit_list, name="limits"),
    path("limits/new/", views.limit_edit, name="limit_create"),
    path("limits/<int:pk>/edit/", views.limit_edit, name="limit_edit"),
    path("import/", views.library_import, name="import"),
    path("export/", views.library_export, name="export"),
    path("synonyms/", synonym_views.synonym_list, name="synonyms"),
    path("synonyms/new/", synonym_views.synonym_create, name="synonym_create"),
    path("synonyms/<int:pk>/edit/", synonym_views.synonym_edit, name="synonym_edit"),
    path("synonyms/<int:pk>/delete/", synonym_views.synonym_delete, name="synonym_delete"),
]
