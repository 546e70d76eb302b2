app_name = "reviewers"

urlpatterns: list = []
