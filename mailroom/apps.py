from django.apps import AppConfig


class MailroomConfig(AppConfig):
    name = "mailroom"
    verbose_name = "Fax and mail"

    def ready(self) -> None:
        from cases import hooks  # deferred: apps are loaded before ready() may import models
        from mailroom.notices import cover_sheets_link  # deferred: imports models

        hooks.register_notice_extra("mailroom", cover_sheets_link)
