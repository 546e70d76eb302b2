from django.apps import AppConfig


class WebhooksConfig(AppConfig):
    name = "webhooks"
    verbose_name = "Webhooks"

    def ready(self) -> None:
        # deferred: the receiver's module imports models, which can be imported only once the app registry is ready.
        from cases.signals import case_event
        from webhooks.outbox import on_case_event

        # The cases and letters apps send the parties' events without knowing who listens (they may not import
        # webhooks); the outbox rows are written in the transaction of the change that sent them.
        case_event.connect(on_case_event, dispatch_uid="webhooks.outbox.on_case_event")
