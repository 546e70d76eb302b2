from django.urls import path

from precedents import views

app_name = "precedents"

urlpatterns = [
    path("", views.search_page, name="search"),
    path("similar/", views.similar, name="similar"),
    path("import/", views.upload, name="upload"),
    path("<str:case_number>/", views.detail, name="detail"),
]
