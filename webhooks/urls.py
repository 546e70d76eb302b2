from django.urls import path

from webhooks import views

app_name = "webhooks"

urlpatterns = [
    path("", views.endpoint_list, name="endpoints"),
    path("add/", views.endpoint_add, name="add"),
    path("<int:endpoint_id>/", views.endpoint_detail, name="endpoint"),
    path("<int:endpoint_id>/change/", views.endpoint_edit, name="edit"),
    path("<int:endpoint_id>/active/", views.endpoint_active, name="set_active"),
    path("<int:endpoint_id>/test/", views.endpoint_test, name="send_test"),
    path("<int:endpoint_id>/secret/", views.endpoint_secret, name="new_secret"),
    path("deliveries/<int:delivery_id>/", views.delivery_detail, name="delivery"),
    path("deliveries/<int:delivery_id>/retry/", views.delivery_retry, name="retry"),
]
