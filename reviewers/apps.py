from django.apps import AppConfig


class ReviewersConfig(AppConfig):
    name = "reviewers"
