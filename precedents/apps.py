from django.apps import AppConfig


class PrecedentsConfig(AppConfig):
    default_auto_field = "django.db.models.BigAutoField"
    name = "precedents"
    verbose_name = "Precedent library"

    def ready(self) -> None:
        # deferred: the receiver's module imports models, which can be imported only once the app registry is ready.
        from cases.signals import case_event
        from precedents.tasks import on_case_event

        # The case's decision support made ready when a reviewer accepts it (cases may not import precedents).
        case_event.connect(on_case_event, dispatch_uid="precedents.tasks.on_case_event")
