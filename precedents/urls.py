from django.urls import path

from precedents import support, views

app_name = "precedents"

urlpatterns = [
    path("", views.search_page, name="search"),
    path("similar/", views.similar, name="similar"),
    path("support/<str:case_number>/", support.decision_support, name="decision_support"),
    path("import/", views.upload, name="upload"),
    path("<str:case_number>/", views.detail, name="detail"),
]
