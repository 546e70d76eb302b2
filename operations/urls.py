from django.urls import path

from operations import quality_views, views

app_name = "operations"

urlpatterns = [
    path("", views.dashboard, name="dashboard"),
    path("outcomes/", views.outcomes, name="outcomes"),
    path("state-report/", views.state_report, name="state_report"),
    path("quality/", quality_views.quality_page, name="quality"),
    path("quality/rate/", quality_views.quality_rate, name="quality_rate"),
    path("quality/draw/", quality_views.quality_draw, name="quality_draw"),
    path("quality/mine/", quality_views.my_second_reviews, name="my_second_reviews"),
    path("quality/review/<str:case_number>/", quality_views.second_review, name="second_review"),
]
